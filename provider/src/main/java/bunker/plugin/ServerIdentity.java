package bunker.plugin;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * The AutoMTLS server identity: a fresh ECDSA P-256 key and a self-signed certificate for
 * {@code DNS:localhost}, made once per process. Terraform trusts exactly this certificate,
 * which it learns from the last field of the handshake line.
 *
 * <p>Terraform's client (hashicorp/go-plugin with AutoMTLS, Go's crypto/tls) checks: the name
 * must be in a SAN (a CN alone is refused), the certificate must be valid now, and its extended
 * key usage must allow serverAuth. P-256 is the cheapest curve that passes.
 */
public record ServerIdentity(PrivateKey privateKey, X509Certificate certificate) {

  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * Starts {@link #generate()} on its own thread and returns its future: key generation and
   * signing (the second core's work) overlap with everything else the start-up does.
   */
  public static FutureTask<ServerIdentity> generateInBackground() {
    FutureTask<ServerIdentity> task = task();
    Thread thread = new Thread(task, "plugin-identity");
    thread.setDaemon(true);
    thread.start();
    return task;
  }

  /** {@link #generate()} as a task, for a thread of the caller's choosing to run. */
  static FutureTask<ServerIdentity> task() {
    return new FutureTask<>(
        new Callable<ServerIdentity>() {
          @Override
          public ServerIdentity call() {
            return generate();
          }
        });
  }

  /** Waits for a background generation, turning its failure into an unchecked exception. */
  static ServerIdentity await(Future<ServerIdentity> pending) {
    try {
      return pending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making the TLS certificate", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create the plugin's TLS certificate", e.getCause());
    }
  }

  /** Generates a key pair and a certificate valid from one minute ago for 30 days. */
  public static ServerIdentity generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8("localhost"))));
      byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
      // A minute of slack for clocks; the process never lives for 30 days.
      Instant now = Instant.now();
      byte[] extensions =
          Der.sequence(
              extension("2.5.29.17", false, // subjectAltName: dNSName [2] "localhost"
                  Der.sequence(Der.context(2, false, "localhost".getBytes(US_ASCII)))),
              extension("2.5.29.15", true, // keyUsage: digitalSignature
                  Der.bitString(7, new byte[] {(byte) 0x80})),
              extension("2.5.29.37", false, // extKeyUsage: serverAuth, clientAuth
                  Der.sequence(Der.oid("1.3.6.1.5.5.7.3.1"), Der.oid("1.3.6.1.5.5.7.3.2"))),
              extension("2.5.29.19", true, Der.sequence())); // basicConstraints: not a CA
      byte[] tbs =
          Der.sequence(
              Der.context(0, true, Der.integer(new byte[] {2})), // v3
              Der.integer(new BigInteger(127, new SecureRandom()).toByteArray()),
              algorithm,
              name,
              Der.sequence(
                  Der.utcTime(UTC_TIME.format(now.minus(Duration.ofMinutes(1)))),
                  Der.utcTime(UTC_TIME.format(now.plus(Duration.ofDays(30))))),
              name,
              keys.getPublic().getEncoded(), // already a SubjectPublicKeyInfo
              Der.context(3, true, extensions));
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keys.getPrivate());
      signer.update(tbs);
      byte[] der = Der.sequence(tbs, algorithm, Der.bitString(0, signer.sign()));
      return new ServerIdentity(keys.getPrivate(), parseDer(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the plugin's TLS certificate", e);
    }
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical
        ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
        : Der.sequence(Der.oid(oid), Der.octetString(value));
  }

  /**
   * The handshake's certificate field: the DER in standard base64 <em>without</em> padding.
   * go-plugin decodes it with Go's RawStdEncoding; padding fails whenever the length is not a
   * multiple of three.
   */
  public String handshakeField() {
    try {
      return Base64.getEncoder().withoutPadding().encodeToString(certificate.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses every certificate in a PEM text such as {@code PLUGIN_CLIENT_CERT}. */
  public static List<X509Certificate> parsePem(String pem) throws CertificateException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> certs = new ArrayList<>();
    for (var c :
        factory.generateCertificates(
            new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      certs.add((X509Certificate) c);
    }
    if (certs.isEmpty()) {
      throw new CertificateException("no certificate in PLUGIN_CLIENT_CERT");
    }
    return certs;
  }

  private static X509Certificate parseDer(byte[] der) throws CertificateException {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  /** PEM text of the certificate, for clients in tests and the benchmark. */
  public String certificatePem() {
    try {
      String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(certificate.getEncoded());
      return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
