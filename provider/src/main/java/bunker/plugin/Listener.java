package bunker.plugin;

import io.grpc.netty.shaded.io.netty.channel.ChannelFactory;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The listening socket, bound on 127.0.0.1 before the gRPC server exists.
 *
 * <p>Why early: once the socket listens, the kernel accepts Terraform's connection and queues
 * its TLS hello while Netty and gRPC are still being set up, so the handshake line can go out
 * as soon as the certificate exists and Terraform's client set-up overlaps ours. Netty then
 * adopts the bound socket instead of binding its own.
 */
final class Listener {
  private static final int PORT_ATTEMPTS = 50;
  private static final int BACKLOG = 64;

  private Listener() {}

  /** Binds a loopback port in {@code [min, max]} (zeros: any free port). */
  static ServerSocketChannel bind(int minPort, int maxPort) throws IOException {
    InetAddress loopback = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    BindException last = null;
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      ServerSocketChannel channel = ServerSocketChannel.open();
      try {
        channel.bind(new InetSocketAddress(loopback, pickPort(minPort, maxPort)), BACKLOG);
        return channel;
      } catch (BindException e) {
        channel.close();
        if (minPort == 0 && maxPort == 0) {
          throw e;
        }
        last = e; // taken: try another port of the range
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
    throw new IOException(
        "no free port in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT " + minPort + ".." + maxPort, last);
  }

  private static int pickPort(int minPort, int maxPort) {
    if (minPort == 0 && maxPort == 0) {
      return 0;
    }
    // Random rather than sequential: several providers start at once within one range.
    int lo = minPort == 0 ? 1024 : minPort;
    int hi = maxPort == 0 ? 65535 : maxPort;
    return lo + ThreadLocalRandom.current().nextInt(hi - lo + 1);
  }

  /** Gives Netty the already-bound socket, once. */
  static ChannelFactory<NioServerSocketChannel> adopt(ServerSocketChannel bound) {
    return new ChannelFactory<NioServerSocketChannel>() {
      @Override
      public NioServerSocketChannel newChannel() {
        return new PreBound(bound);
      }
    };
  }

  /** Netty's NIO server channel over a socket that is already bound: bind becomes a no-op. */
  private static final class PreBound extends NioServerSocketChannel {
    PreBound(ServerSocketChannel channel) {
      super(channel);
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
      if (!javaChannel().socket().isBound()) {
        super.doBind(localAddress);
      }
    }
  }
}
