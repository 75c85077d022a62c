package io.kafkabackup.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints the line and branch coverage of every main module from JaCoCo's aggregated CSV report, and
 * fails the build when the total falls below the floors. Run by the build ({@code verify}).
 */
public final class CoverageTable {
  /** The modules whose code ships; test servers, kits, examples and benchmarks are not counted. */
  private static final List<String> MAIN_MODULES = List.of("storage-api", "storage-provider-kit", "storage-filesystem",
      "storage-azure", "storage-s3", "backup-core", "backup-kafka", "ci-cache", "backup-cli", "backup-connect");

  private CoverageTable() {
  }

  /**
   * Prints the table.
   *
   * @param args the CSV report, the line floor and the branch floor (percent)
   * @throws IOException if the report cannot be read
   */
  public static void main(String[] args) throws IOException {
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    double lineFloor = Double.parseDouble(args[1]);
    double branchFloor = Double.parseDouble(args[2]);
    // GROUP,PACKAGE,CLASS,INSTRUCTION_MISSED,INSTRUCTION_COVERED,BRANCH_MISSED,BRANCH_COVERED,LINE_MISSED,LINE_COVERED,...
    Map<String, long[]> byModule = new TreeMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      String module = f[0].substring(f[0].lastIndexOf('/') + 1); // the aggregate's groups: report/module
      if (!MAIN_MODULES.contains(module)) {
        continue;
      }
      long[] c = byModule.computeIfAbsent(module, k -> new long[4]);
      c[0] += Long.parseLong(f[8]); // lines covered
      c[1] += Long.parseLong(f[7]) + Long.parseLong(f[8]);
      c[2] += Long.parseLong(f[6]); // branches covered
      c[3] += Long.parseLong(f[5]) + Long.parseLong(f[6]);
    }
    long[] total = new long[4];
    StringBuilder out = new StringBuilder("\nCoverage of the main modules (JaCoCo, every test of this build)\n");
    out.append(String.format(Locale.ROOT, "%-22s %8s %8s%n", "module", "lines", "branches"));
    for (Map.Entry<String, long[]> e : byModule.entrySet()) {
      long[] c = e.getValue();
      out.append(String.format(Locale.ROOT, "%-22s %7.1f%% %7.1f%%%n", e.getKey(), percent(c[0], c[1]), percent(c[2], c[3])));
      for (int i = 0; i < 4; i++) {
        total[i] += c[i];
      }
    }
    double line = percent(total[0], total[1]);
    double branch = percent(total[2], total[3]);
    out.append(String.format(Locale.ROOT, "%-22s %7.1f%% %7.1f%%   (floors %.1f%% / %.1f%%)%n", "total", line, branch,
        lineFloor, branchFloor));
    System.out.println(out);
    if (byModule.size() != MAIN_MODULES.size()) {
      throw new IllegalStateException("the coverage report lacks modules: has " + byModule.keySet());
    }
    if (line < lineFloor || branch < branchFloor) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "coverage fell below its floor: lines %.1f%% (floor %.1f%%), branches %.1f%% (floor %.1f%%)", line, lineFloor,
          branch, branchFloor));
    }
  }

  private static double percent(long covered, long all) {
    return all == 0 ? 100 : 100.0 * covered / all;
  }
}
