package bunker.plugin;

import io.grpc.netty.shaded.io.netty.handler.ssl.util.SimpleKeyManagerFactory;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.Future;
import javax.net.ssl.KeyManager;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Hands the TLS engine our one server key and certificate, straight from memory.
 *
 * <p>Given a bare key instead, Netty re-encodes it to PEM and parses it back, through
 * BouncyCastle's provider when that is on the class path; this keeps the start path off that
 * detour and away from key stores.
 *
 * <p>The identity may still be in the making when the TLS context is built: the server is built
 * while the second core makes the key, and the key is first asked for by a TLS handshake,
 * which only a client that read the handshake line (certificate included) starts.
 */
final class FixedKeyManager extends SimpleKeyManagerFactory {
  private static final String ALIAS = "bunker";

  private final KeyManager manager;

  FixedKeyManager(Future<ServerIdentity> identity) {
    this.manager = new Manager(identity);
  }

  @Override
  protected void engineInit(KeyStore keyStore, char[] password) {}

  @Override
  protected void engineInit(ManagerFactoryParameters params) {}

  @Override
  protected KeyManager[] engineGetKeyManagers() {
    return new KeyManager[] {manager};
  }

  private static final class Manager extends X509ExtendedKeyManager {
    private final Future<ServerIdentity> identity;

    Manager(Future<ServerIdentity> identity) {
      this.identity = identity;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine e) {
      return keyType.startsWith("EC") ? ALIAS : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return keyType.startsWith("EC") ? ALIAS : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return keyType.startsWith("EC") ? new String[] {ALIAS} : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias)
          ? new X509Certificate[] {ServerIdentity.await(identity).certificate()}
          : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? ServerIdentity.await(identity).privateKey() : null;
    }
  }
}
