package bunker.plugin;

import io.grpc.netty.shaded.io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a TLS client only if its leaf certificate is byte-for-byte one of the pinned ones
 * (Terraform's {@code PLUGIN_CLIENT_CERT}) and valid now.
 *
 * <p>Pinning rather than PKIX: Terraform's certificate is a CA, and a chain check would also
 * accept anything it signed. Possession of the key is still proven by the TLS handshake itself
 * (CertificateVerify); this only decides which public key counts as Terraform.
 */
final class PinnedClientTrust extends SimpleTrustManagerFactory {
  private final List<byte[]> pinned;
  private final X509Certificate[] issuers;
  private final TrustManager manager = new Manager();

  PinnedClientTrust(List<X509Certificate> trusted) {
    this.issuers = trusted.toArray(new X509Certificate[0]);
    List<byte[]> encoded = new ArrayList<>();
    for (X509Certificate c : trusted) {
      try {
        encoded.add(c.getEncoded());
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException(e);
      }
    }
    this.pinned = List.copyOf(encoded);
  }

  void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the client sent no certificate");
    }
    byte[] leaf = chain[0].getEncoded();
    for (byte[] p : pinned) {
      if (Arrays.equals(p, leaf)) {
        chain[0].checkValidity();
        return;
      }
    }
    throw new CertificateException("the client certificate is not the one Terraform announced");
  }

  @Override
  protected void engineInit(KeyStore keyStore) {}

  @Override
  protected void engineInit(ManagerFactoryParameters params) {}

  @Override
  protected TrustManager[] engineGetTrustManagers() {
    return new TrustManager[] {manager};
  }

  private final class Manager extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("this trust manager only checks clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("this trust manager only checks clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("this trust manager only checks clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return issuers.clone();
    }
  }
}
