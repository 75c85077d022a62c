package io.kafkabackup.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeyTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "a/b/c.log", "topics/orders/0/00000000000000000042.log", "ünï/日本/😀", "a b/c",
      "..a/b..c/.d", "x-y_z~!$&'()*+,;=@"})
  void acceptsValidKeys(String value) {
    assertEquals(value, ObjectKey.of(value).value());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/a", "a/", "a//b", "./a", "a/./b", "a/..", "../etc/passwd", "a.", "a\\b", "a\u0000b",
      "a\nb", "a\u007fb", "a\u0085b", "a\uD800b"})
  void rejectsInvalidKeysNamingThem(String value) {
    InvalidObjectKeyException e = assertThrows(InvalidObjectKeyException.class, () -> ObjectKey.of(value));
    assertTrue(e.getMessage().startsWith("object key"), e.getMessage());
  }

  @Test
  void rejectsKeysLongerThan1024Utf8Bytes() {
    assertEquals(1024, ObjectKey.of("a".repeat(1024)).value().length());
    assertThrows(InvalidObjectKeyException.class, () -> ObjectKey.of("a".repeat(1025)));
    assertThrows(InvalidObjectKeyException.class, () -> ObjectKey.of("é".repeat(513)), "1026 bytes in UTF-8");
  }

  @Test
  void prefixesJoinAndStripAndCountTowardsTheLimit() {
    KeyPrefix prefix = KeyPrefix.of("/prod/cluster-a/");
    assertEquals("prod/cluster-a", prefix.toString());
    assertEquals("prod/cluster-a/topics/x", prefix.apply(ObjectKey.of("topics/x")));
    assertEquals("topics/x", prefix.strip("prod/cluster-a/topics/x"));
    assertEquals("prod/cluster-a/seg", prefix.applyToListPrefix("seg"));
    assertEquals("k", KeyPrefix.none().apply(ObjectKey.of("k")));
    assertEquals(KeyPrefix.none(), KeyPrefix.of(""));
    assertThrows(InvalidObjectKeyException.class, () -> prefix.apply(ObjectKey.of("a".repeat(1020))));
    assertThrows(InvalidObjectKeyException.class, () -> KeyPrefix.of("a/../b"));
    assertThrows(IllegalArgumentException.class, () -> prefix.strip("prod/other/x"));
  }

  @Test
  void resolveAppendsValidatedSegments() {
    assertEquals("a/b/c", ObjectKey.of("a").resolve("b", "c").value());
    assertEquals("c", ObjectKey.of("a/b/c").name());
    assertThrows(InvalidObjectKeyException.class, () -> ObjectKey.of("a").resolve("b/c"));
    assertThrows(InvalidObjectKeyException.class, () -> ObjectKey.of("a").resolve(".."));
  }

  @Test
  void keysSortInCodePointOrderLikeUtf8Bytes() {
    List<ObjectKey> keys = new ArrayList<>(List.of(ObjectKey.of("\uD83D\uDE00"), ObjectKey.of("\uFF21"),
        ObjectKey.of("a/b"), ObjectKey.of("a-b"), ObjectKey.of("a0"), ObjectKey.of("é")));
    keys.sort(null);
    assertEquals(List.of("a-b", "a/b", "a0", "é", "\uFF21", "\uD83D\uDE00"), keys.stream().map(ObjectKey::value).toList());
    assertTrue("\uFF21".compareTo("\uD83D\uDE00") > 0, "String.compareTo gets this wrong, which is why we don't use it");
  }

  @Test
  void listPrefixesMayEndMidSegmentButNotHoldControlCharacters() {
    assertEquals("seg/000", ListOptions.prefix("seg/000").prefix());
    assertThrows(InvalidObjectKeyException.class, () -> ListOptions.prefix("/abs"));
    assertThrows(InvalidObjectKeyException.class, () -> ListOptions.prefix("a\tb"));
    assertThrows(IllegalArgumentException.class, () -> ListOptions.all().pageSize(5001));
  }

  @Test
  void byteRangesValidate() {
    assertEquals(10, ByteRange.of(90, 50).lengthWithin(100));
    assertThrows(InvalidRangeException.class, () -> ByteRange.of(100, 1).lengthWithin(100));
    assertThrows(IllegalArgumentException.class, () -> ByteRange.of(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> ByteRange.of(0, 0));
  }

  @Test
  void putOptionsValidateMetadataNamingTheEntry() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PutOptions.builder().metadata("Bad-Name", "x"));
    assertTrue(e.getMessage().contains("Bad-Name"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PutOptions.builder().metadata("ok", "naïve"));
    assertTrue(e.getMessage().contains("'ok'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PutOptions.builder().contentType("text/\u00e9"));
    assertThrows(IllegalArgumentException.class, () -> WriteMode.ifMatch(" "));
  }
}
