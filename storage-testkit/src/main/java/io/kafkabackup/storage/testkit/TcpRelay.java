package io.kafkabackup.storage.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 that behaves like a NAT, proxy or private endpoint which keeps idle
 * connections: it never closes a client's connection on its own, not even when the server closes the
 * upstream side (a later request on it is then answered by a reset, as such middleboxes do). A client
 * connection therefore ends only when the client closes it, so the number of open client connections
 * shows exactly what a client leaks. {@link #openClientConnections()} counts them.
 */
public final class TcpRelay implements AutoCloseable {
  private final int upstreamPort;
  private final ServerSocket server;
  private final AtomicInteger open = new AtomicInteger();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tcp-relay");
    t.setDaemon(true);
    return t;
  });

  /**
   * Starts the relay on a free loopback port.
   *
   * @param upstreamPort the port on 127.0.0.1 to relay to
   * @throws IOException if no port can be bound
   */
  public TcpRelay(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    threads.submit(this::accept);
  }

  /**
   * The relay's port on 127.0.0.1.
   *
   * @return the port
   */
  public int port() {
    return server.getLocalPort();
  }

  /**
   * Client connections the relay holds open now.
   *
   * @return how many
   */
  public int openClientConnections() {
    return open.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.incrementAndGet();
        threads.submit(() -> relay(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void relay(Socket client) {
    try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
      threads.submit(() -> pump(upstream.getInputStream(), client.getOutputStream()));
      // Client to server on this thread: it ends when the client closes. When the server has closed
      // its side, the next bytes from the client fail to send and the client is reset.
      pump(client.getInputStream(), upstream.getOutputStream());
    } catch (IOException e) {
      // the client or the relay went away
    } finally {
      open.decrementAndGet();
    }
  }

  private static Void pump(InputStream in, OutputStream out) {
    byte[] buffer = new byte[64 * 1024];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
