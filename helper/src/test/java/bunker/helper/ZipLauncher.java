package bunker.helper;

import java.io.ByteArrayOutputStream;

/**
 * Runs the handler the way Lambda does (no-argument constructor, clients from the environment)
 * in a JVM whose class path is only the unpacked zip plus this class: the event on stdin, the
 * handler's output on stdout. Used by {@link LambdaZipEmuTest}.
 */
public final class ZipLauncher {
  private ZipLauncher() {}

  public static void main(String[] args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new DeploymentHelperHandler().handleRequest(System.in, out, new FakeContext(120_000));
    System.out.println("HANDLER-OUTPUT " + out);
  }
}
