package bunker.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerIdentityTest {
  private final ServerIdentity identity = ServerIdentity.generate();
  private final X509Certificate cert = identity.certificate();

  @Test
  void generate_selfSignedWithItsOwnKey() throws Exception {
    cert.verify(cert.getPublicKey());
    assertEquals("SHA256withECDSA", cert.getSigAlgName());
    assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
    assertEquals(3, cert.getVersion());
  }

  @Test
  void generate_hasWhatTerraformChecks() throws Exception {
    assertEquals(List.of(List.of(2, "localhost")), cert.getSubjectAlternativeNames().stream()
        .map(n -> List.of(n.get(0), n.get(1))).toList());
    assertTrue(cert.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
    assertTrue(cert.getKeyUsage()[0], "digitalSignature");
    assertEquals(-1, cert.getBasicConstraints(), "not a CA");
    assertTrue(cert.getCriticalExtensionOIDs().contains("2.5.29.15"));
  }

  @Test
  void generate_validNowWithClockSlack() throws Exception {
    cert.checkValidity();
    cert.checkValidity(Date.from(Instant.now().minus(Duration.ofSeconds(30))));
    assertFalse(cert.getNotAfter().before(Date.from(Instant.now().plus(Duration.ofDays(29)))));
  }

  @Test
  void handshakeField_isUnpaddedBase64OfTheDer() throws Exception {
    String field = identity.handshakeField();
    assertFalse(field.contains("=") || field.contains("\n"));
    assertArrayEquals(cert.getEncoded(), PluginServerTest.certificateFrom(field).getEncoded());
  }

  @Test
  void der_oid_encodesMultiByteArcs() {
    // 1.2.840.10045.4.3.2 (ecdsa-with-SHA256), as every X.509 library writes it.
    assertArrayEquals(new byte[] {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04,
        0x03, 0x02}, Der.oid("1.2.840.10045.4.3.2"));
  }

  @Test
  void der_longLength_usesLongForm() {
    byte[] encoded = Der.octetString(new byte[300]);
    assertArrayEquals(new byte[] {0x04, (byte) 0x82, 0x01, 0x2c}, java.util.Arrays.copyOf(
        encoded, 4));
    assertEquals(304, encoded.length);
  }

  @Test
  void parsePem_readsTheCertificateBack() throws Exception {
    assertEquals(List.of(cert), ServerIdentity.parsePem(identity.certificatePem()));
  }
}
