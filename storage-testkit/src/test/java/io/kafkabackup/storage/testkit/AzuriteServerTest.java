package io.kafkabackup.storage.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Test;

class AzuriteServerTest {

  @Test
  void startsOnLoopbackAnswersAndLeavesNoProcessPortOrFileBehind() throws Exception {
    AzuriteServer server = AzuriteServer.builder().mode(AzuriteServer.Mode.NPM).start();
    URI endpoint = server.endpoint().blobEndpoint();
    ProcessHandle process = server.processHandle().orElseThrow();
    assertEquals("127.0.0.1", endpoint.getHost());
    assertFalse(server.toString().contains(AzuriteServer.ACCOUNT_KEY), "key masked");

    HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/" + AzuriteServer.ACCOUNT + "?comp=list").toURL()
        .openConnection();
    int status = c.getResponseCode();
    assertEquals(403, status, "an unsigned request reaches the blob service and is refused");
    c.disconnect();

    server.close();
    assertFalse(process.isAlive(), "process stopped");
    assertThrows(IOException.class, () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", endpoint.getPort()), 500);
      }
    }, "port released");
    server.close(); // idempotent
    assertTrue(server.endpoint().connectionString().contains("BlobEndpoint=" + endpoint));
  }
}
