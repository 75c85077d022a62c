package io.kafkabackup.storage.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A loopback HTTP/1.1 proxy in front of a test server (Azurite, S3Proxy) that forwards requests byte for
 * byte and, when a rule says so, answers in the server's place (429/503 with Retry-After, 403...), drops
 * the connection before answering, or cuts a response body short. It stands in for a real service's
 * failure modes, which the emulators never produce, and records every request it sees. Error bodies use
 * the Azure/S3 XML error shape.
 */
public final class FaultInjectingProxy implements AutoCloseable {

  /**
   * A request as the proxy saw it.
   *
   * @param method the HTTP method
   * @param target the request target (path and query)
   * @param headers the headers, names in lower case
   * @param at when it arrived, from {@link System#nanoTime()}
   */
  public record Request(String method, String target, Map<String, String> headers, long at) {
    /**
     * A header's value.
     *
     * @param name the header name, any case
     * @return the value, or {@code null}
     */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * The query string.
     *
     * @return the text after {@code ?}, or the empty string
     */
    public String query() {
      int q = target.indexOf('?');
      return q < 0 ? "" : target.substring(q + 1);
    }
  }

  /** What to do with a request. */
  public sealed interface Fault {
    /** Forward it unchanged. */
    Fault FORWARD = new Forward();

    /**
     * Answer with this status, headers and body instead of forwarding.
     *
     * @param status the HTTP status
     * @param errorCode the service error code, in the XML body and {@code x-ms-error-code}
     * @param headers more response headers
     * @return the fault
     */
    static Fault respond(int status, String errorCode, Map<String, String> headers) {
      return new Respond(status, errorCode, headers);
    }

    /**
     * Close the connection without answering.
     *
     * @return the fault
     */
    static Fault drop() {
      return new Drop();
    }

    /**
     * Keep the connection open without answering, until the client gives up and closes it.
     *
     * @return the fault
     */
    static Fault stall() {
      return new Stall();
    }

    /**
     * Forward, but pass on only this many bytes of the response body, then close the connection.
     *
     * @param bytes how many bytes of the body get through
     * @return the fault
     */
    static Fault cutBodyAfter(int bytes) {
      return new CutBody(bytes);
    }

    /**
     * Forward, but turn every {@code <} of the response body into {@code #}: status, length and chunk
     * framing stay right, the XML cannot be parsed (a client-side deserialization failure).
     *
     * @return the fault
     */
    static Fault garbleBody() {
      return new GarbleBody();
    }
  }

  /** A kind of fault. */
  public record Forward() implements Fault {
  }

  /** A kind of fault. */
  public record Respond(int status, String errorCode, Map<String, String> headers) implements Fault {
  }

  /** A kind of fault. */
  public record Drop() implements Fault {
  }

  /** A kind of fault. */
  public record CutBody(int bytes) implements Fault {
  }

  /** A kind of fault. */
  public record Stall() implements Fault {
  }

  /** A kind of fault. */
  public record GarbleBody() implements Fault {
  }

  private final int upstreamPort;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
  private volatile Function<Request, Fault> rule = r -> Fault.FORWARD;

  /**
   * Starts the proxy on a free loopback port.
   *
   * @param upstreamPort the port of the server on 127.0.0.1 to forward to
   * @throws IOException if no port can be bound
   */
  public FaultInjectingProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(this::acceptLoop);
  }

  /**
   * The proxy's port on 127.0.0.1.
   *
   * @return the port
   */
  public int port() {
    return server.getLocalPort();
  }

  /**
   * Sets what happens to each request from now on.
   *
   * @param rule decides per request
   */
  public void rule(Function<Request, Fault> rule) {
    this.rule = rule;
  }

  /**
   * Every request seen so far, in arrival order.
   *
   * @return a copy
   */
  public List<Request> requests() {
    synchronized (requests) {
      return new ArrayList<>(requests);
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        threads.submit(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
      sockets.add(upstream);
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      InputStream upIn = upstream.getInputStream();
      OutputStream upOut = upstream.getOutputStream();
      while (true) {
        byte[] head = readHead(in);
        if (head == null) {
          return;
        }
        String headText = new String(head, StandardCharsets.ISO_8859_1);
        String[] lines = headText.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, String> headers = headers(lines);
        byte[] body = readBody(in, headers, false);
        Request request = new Request(requestLine[0], requestLine[1], headers, System.nanoTime());
        requests.add(request);
        Fault fault = rule.apply(request);
        if (fault instanceof Drop) {
          return;
        }
        if (fault instanceof Stall) {
          while (in.read() >= 0) {
            // swallow whatever the client sends until it closes the connection
          }
          return;
        }
        if (fault instanceof Respond) {
          Respond r = (Respond) fault;
          writeError(out, r, request);
          continue;
        }
        upOut.write(head);
        upOut.write(body);
        upOut.flush();
        byte[] responseHead = readHead(upIn);
        if (responseHead == null) {
          return;
        }
        String[] responseLines = new String(responseHead, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(responseLines[0].split(" ")[1]);
        // An interim answer (100 Continue, which S3Proxy sends when the SDK's Expect header asks for it) has no
        // body: pass it on and read the final answer.
        while (status >= 100 && status < 200) {
          out.write(responseHead);
          out.flush();
          responseHead = readHead(upIn);
          if (responseHead == null) {
            return;
          }
          responseLines = new String(responseHead, StandardCharsets.ISO_8859_1).split("\r\n");
          status = Integer.parseInt(responseLines[0].split(" ")[1]);
        }
        boolean noBody = request.method().equals("HEAD") || status == 204 || status == 304;
        byte[] responseBody = noBody ? new byte[0] : readBody(upIn, headers(responseLines), true);
        out.write(responseHead);
        if (fault instanceof GarbleBody) {
          for (int i = 0; i < responseBody.length; i++) {
            responseBody[i] = responseBody[i] == '<' ? (byte) '#' : responseBody[i];
          }
        }
        if (fault instanceof CutBody) {
          out.write(responseBody, 0, Math.min(((CutBody) fault).bytes(), responseBody.length));
          out.flush();
          return;
        }
        out.write(responseBody);
        out.flush();
        Map<String, String> responseHeaders = headers(responseLines);
        if (!noBody && !responseHeaders.containsKey("content-length")
            && !"chunked".equalsIgnoreCase(responseHeaders.get("transfer-encoding"))) {
          return; // a body delimited by the connection's end: end it as the server did
        }
      }
    } catch (IOException e) {
      // a client or the proxy closed the connection
    }
  }

  private static void writeError(OutputStream out, Respond r, Request request) throws IOException {
    String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + r.errorCode()
        + "</Code><Message>injected by the test proxy</Message></Error>";
    byte[] body = request.method().equals("HEAD") ? new byte[0] : xml.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder("HTTP/1.1 " + r.status() + " Injected\r\n");
    sb.append("Content-Type: application/xml\r\n");
    sb.append("x-ms-error-code: ").append(r.errorCode()).append("\r\n");
    sb.append("x-ms-request-id: injected-").append(System.nanoTime()).append("\r\n");
    String clientRequestId = request.header("x-ms-client-request-id");
    if (clientRequestId != null) {
      sb.append("x-ms-client-request-id: ").append(clientRequestId).append("\r\n");
    }
    r.headers().forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    sb.append("Content-Length: ").append(request.method().equals("HEAD") ? xml.length() : body.length).append("\r\n\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static Map<String, String> headers(String[] lines) {
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    return headers;
  }

  /** Reads up to and including the blank line that ends a message head; null at end of stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toByteArray();
      }
    }
    return null;
  }

  /** Reads a body framed by Content-Length or chunked encoding, keeping its raw bytes. */
  private static byte[] readBody(InputStream in, Map<String, String> headers, boolean response) throws IOException {
    String length = headers.get("content-length");
    if (length != null) {
      return in.readNBytes(Integer.parseInt(length));
    }
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in, raw);
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
        raw.write(in.readNBytes(size));
        readLine(in, raw);
        if (size == 0) {
          return raw.toByteArray();
        }
      }
    }
    return response ? in.readAllBytes() : new byte[0];
  }

  private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      raw.write(b);
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        s.close();
      }
    }
    threads.shutdownNow();
  }
}
