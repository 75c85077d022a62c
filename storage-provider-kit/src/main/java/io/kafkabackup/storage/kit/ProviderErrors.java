package io.kafkabackup.storage.kit;

/**
 * Helpers for translating a cloud SDK's exceptions into the library's typed errors without leaking
 * request details: SDK messages can repeat URLs with SAS signatures or headers, so providers attach a
 * {@link RedactedCause} instead of the SDK exception itself.
 */
public final class ProviderErrors {
  private ProviderErrors() {
  }

  /**
   * A stand-in for an SDK exception: the original class name, a message the provider chose, and the
   * original stack trace.
   */
  public static final class RedactedCause extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the stand-in.
     *
     * @param original the SDK exception
     * @param message a message free of secrets
     */
    public RedactedCause(Throwable original, String message) {
      super(original.getClass().getName() + ": " + message);
      setStackTrace(original.getStackTrace());
    }
  }

  /**
   * The first exception of a type in a cause chain.
   *
   * @param e the exception
   * @param type the type to look for
   * @param <T> the type
   * @return the match, or {@code null}
   */
  public static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /**
   * The first line of a message, at most 300 characters.
   *
   * @param s a message, possibly {@code null}
   * @return the line, or the empty string
   */
  public static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }
}
