package io.kafkabackup.connect;

/** The version Connect's REST API shows for the plugin: the jar's implementation version. */
final class Versions {
  static final String VERSION = version();

  private Versions() {
  }

  private static String version() {
    String v = Versions.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
