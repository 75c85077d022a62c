package io.kafkabackup.storage.kit;

import io.kafkabackup.storage.InvalidConfigurationException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** The one rule every network provider applies to its endpoint: TLS, unless the endpoint is loopback. */
public final class TransportSecurity {
  private TransportSecurity() {
  }

  /**
   * Refuses a plain-HTTP endpoint unless it is a loopback address (a local emulator) or plain HTTP is
   * explicitly allowed.
   *
   * @param endpoint the service URL
   * @param allowInsecureHttp whether the user opted into plain HTTP
   * @param configKey the endpoint's configuration key, for the error
   * @param allowKey the opt-in's configuration key, for the error
   * @throws InvalidConfigurationException naming {@code configKey}
   */
  public static void requireTls(URI endpoint, boolean allowInsecureHttp, String configKey, String allowKey) {
    if ("https".equalsIgnoreCase(endpoint.getScheme()) || allowInsecureHttp || isLoopback(endpoint.getHost())) {
      return;
    }
    throw new InvalidConfigurationException(configKey, configKey + ": " + endpoint.getScheme() + "://"
        + endpoint.getHost() + " is not TLS; use https (plain http is only allowed for loopback, or with "
        + allowKey + "=true)");
  }

  /**
   * Whether a host is a literal loopback address or {@code localhost}. Other names are not trusted: they
   * could resolve anywhere later.
   *
   * @param host a host name or address
   * @return {@code true} for 127.0.0.0/8, ::1 and localhost
   */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
