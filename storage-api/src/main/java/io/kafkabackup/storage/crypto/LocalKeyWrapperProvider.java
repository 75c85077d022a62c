package io.kafkabackup.storage.crypto;

import io.kafkabackup.storage.KeyUnavailableException;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.WrappedKey;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.KeyWrapperProvider;
import io.kafkabackup.storage.spi.StorageConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code local} key-encryption provider: 256-bit AES keys held by the process, from a mounted
 * secret directory (one file per key, named by its id, holding the key in base64), or the current key
 * alone from a configuration value or an environment variable. Data keys are wrapped with AES Key Wrap
 * (RFC 3394, the JDK's {@code AESWrap}), whose integrity check refuses the wrong key.
 */
public final class LocalKeyWrapperProvider implements KeyWrapperProvider {
  static final ConfigKey KEY_ID = ConfigKey.builder("key-id", ConfigKey.Type.STRING).required()
      .description("The id of the current key-encryption key: new data keys are wrapped under it, and key "
          + "objects record it. Letters, digits, '.', '_' and '-'.").build();
  static final ConfigKey KEY = ConfigKey.builder("key", ConfigKey.Type.STRING).secret().env("KAFKA_BACKUP_KEK")
      .description("The current key in base64 (32 bytes). Optional when key-dir holds a file named by key-id.")
      .build();
  static final ConfigKey KEY_DIR = ConfigKey.builder("key-dir", ConfigKey.Type.PATH)
      .description("A directory of keys (a mounted Kubernetes secret): each file is named by a key id and holds "
          + "that key in base64. Older keys stay here after a rotation so that older data stays readable.")
      .build();
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  @Override
  public String type() {
    return "local";
  }

  @Override
  public String description() {
    return "AES-256 keys from a secret directory, a configuration value or an environment variable";
  }

  @Override
  public List<ConfigKey> configKeys() {
    return List.of(KEY_ID, KEY, KEY_DIR);
  }

  @Override
  public KeyWrapper open(StorageConfig config) {
    String current = config.require(KEY_ID, String.class).trim();
    if (!ID.matcher(current).matches()) {
      throw config.invalid(KEY_ID, "'" + current + "' is not a key id: letters, digits, '.', '_' and '-'");
    }
    Map<String, SecretKey> keys = new HashMap<>();
    Optional<Path> dir = config.path(KEY_DIR);
    if (dir.isPresent()) {
      if (!Files.isDirectory(dir.get())) {
        throw config.invalid(KEY_DIR, dir.get() + " is not a directory");
      }
      try (var files = Files.list(dir.get())) {
        for (Path file : (Iterable<Path>) files::iterator) {
          String id = file.getFileName().toString();
          // A mounted secret also holds ..data and timestamped directories: only plain key files count.
          if (ID.matcher(id).matches() && !id.startsWith(".") && Files.isRegularFile(file)) {
            keys.put(id, decode(config, KEY_DIR, "file " + file, Files.readString(file, StandardCharsets.US_ASCII)));
          }
        }
      } catch (IOException e) {
        throw config.invalid(KEY_DIR, "cannot read " + dir.get() + ": " + e.getMessage());
      }
    }
    Optional<String> value = config.string(KEY);
    if (value.isPresent()) {
      keys.put(current, decode(config, KEY, "the value", value.get()));
    }
    if (!keys.containsKey(current)) {
      throw config.invalid(KEY_ID, "no key '" + current + "': set " + config.fullName(KEY) + " (or KAFKA_BACKUP_KEK), "
          + "or put a file named " + current + " in " + config.fullName(KEY_DIR));
    }
    return new LocalKeyWrapper(current, keys);
  }

  private static SecretKey decode(StorageConfig config, ConfigKey key, String where, String base64) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw config.invalid(key, where + " is not base64");
    }
    if (bytes.length != 32) {
      Arrays.fill(bytes, (byte) 0);
      throw config.invalid(key, where + " holds " + bytes.length + " bytes; an AES-256 key has 32");
    }
    try {
      return new SecretKeySpec(bytes, "AES");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** Wraps with the current key and unwraps with the key a wrapped key names. */
  private static final class LocalKeyWrapper implements KeyWrapper {
    private final String current;
    private final Map<String, SecretKey> keys;

    LocalKeyWrapper(String current, Map<String, SecretKey> keys) {
      this.current = current;
      this.keys = Map.copyOf(keys);
    }

    @Override
    public String type() {
      return "local";
    }

    @Override
    public String currentKeyId() {
      return current;
    }

    @Override
    public WrappedKey wrap(byte[] dataKey) {
      try {
        Cipher cipher = Cipher.getInstance("AESWrap");
        cipher.init(Cipher.WRAP_MODE, keys.get(current));
        return new WrappedKey(current, cipher.wrap(new SecretKeySpec(dataKey, "AES")));
      } catch (GeneralSecurityException e) {
        throw new KeyUnavailableException(current, "local key '" + current + "' cannot wrap a data key: "
            + e.getClass().getSimpleName(), null, false);
      }
    }

    @Override
    public byte[] unwrap(String keyId, byte[] wrapped) {
      SecretKey key = keys.get(keyId);
      if (key == null) {
        throw new KeyUnavailableException(keyId, "local key '" + keyId + "' is not configured (known: "
            + keys.keySet().stream().sorted().toList() + ")", null, false);
      }
      try {
        Cipher cipher = Cipher.getInstance("AESWrap");
        cipher.init(Cipher.UNWRAP_MODE, key);
        return cipher.unwrap(wrapped, "AES", Cipher.SECRET_KEY).getEncoded();
      } catch (InvalidKeyException e) {
        // RFC 3394's integrity check failed: another key under this id, or altered wrapped bytes.
        throw new KeyUnavailableException(keyId, "local key '" + keyId + "' does not unwrap this data key "
            + "(the wrong key under that id, or an altered key object)", null, false);
      } catch (GeneralSecurityException e) {
        throw new KeyUnavailableException(keyId, "local key '" + keyId + "' cannot unwrap: "
            + e.getClass().getSimpleName(), null, false);
      }
    }

    @Override
    public void close() {
      // Nothing held but the keys.
    }

    @Override
    public String toString() {
      return "LocalKeyWrapper[current=" + current + ", keys=" + keys.keySet().stream().sorted().toList() + "]";
    }
  }
}
