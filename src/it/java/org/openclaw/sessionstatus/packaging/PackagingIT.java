package org.openclaw.sessionstatus.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The artifacts {@code mvn package} built, installed and run the way the README says: the tarball unpacked and run
 * through a symlink on PATH, and — as root, with dpkg — the {@code .deb} installed, run, removed and purged. Each
 * carries the project's LICENSE and NOTICE, and the runnable jar the licence files of what it bundles.
 */
class PackagingIT {
    private static final Path JAR = Path.of("target/openclaw-session-status.jar");
    /** A bundled jar's licence and notice files: what the shade step must keep. */
    private static final Pattern LICENCE_FILE = Pattern.compile(
            "META-INF/(LICENSE[^/]*|NOTICE[^/]*|[^/]+-LICENSE[^/]*|[^/]+-NOTICE[^/]*|maven/[^/]+/[^/]+/LICENSE[^/]*)");

    @Test
    void theJarCarriesTheProjectsLicenceAndNotice() throws IOException {
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            assertArrayEquals(Files.readAllBytes(Path.of("LICENSE")), read(jar, "META-INF/LICENSE"));
            assertArrayEquals(Files.readAllBytes(Path.of("NOTICE")), read(jar, "META-INF/NOTICE"));
        }
    }

    @Test
    void theJarKeepsEveryBundledComponentsLicenceFiles() throws IOException {
        List<String> missing = new ArrayList<>();
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            for (String[] coordinates : bundled()) {
                try (ZipFile component = new ZipFile(localJar(coordinates).toFile())) {
                    for (ZipEntry entry : component.stream().filter(e -> LICENCE_FILE.matcher(e.getName()).matches())
                            .toList()) {
                        String kept = "META-INF/licenses/" + coordinates[1] + "/"
                                + entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
                        byte[] inJar = jar.getEntry(kept) == null ? null : read(jar, kept);
                        if (inJar == null || !Arrays.equals(component.getInputStream(entry).readAllBytes(), inJar)) {
                            missing.add(coordinates[1] + "'s " + entry.getName() + " as " + kept);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void theNoticeAndTheDebsCopyrightNameEveryBundledComponent() throws IOException {
        String notice = Files.readString(Path.of("NOTICE"));
        String copyright = Files.readString(Path.of("packaging/deb/copyright"));
        List<String> unnamed = new ArrayList<>();
        for (String[] coordinates : bundled()) {
            // Named by group: one component (Jackson, tinylog, Jetty) may be several artifacts.
            if (!notice.contains(coordinates[0])) {
                unnamed.add("NOTICE lacks " + coordinates[0]);
            }
            if (!copyright.contains(coordinates[0])) {
                unnamed.add("packaging/deb/copyright lacks " + coordinates[0]);
            }
        }
        assertEquals(List.of(), unnamed);
    }

    @Test
    void theTarballRunsThroughASymlinkOnPath() throws Exception {
        assertScript("packaging/test-tarball.sh", "test-tarball: OK");
    }

    @Test
    void theDebInstallsRunsAndPurgesWithoutATrace() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/dpkg")),
                "skipped: installing the .deb needs root and dpkg (CI runs as root)");
        Process installed = new ProcessBuilder("dpkg", "-s", "openclaw-session-status").start();
        Assumptions.assumeTrue(installed.waitFor() != 0, "skipped: the package is installed on this machine already");
        assertScript("packaging/test-deb.sh", "test-deb: OK");
    }

    /**
     * The copyright file in Debian's machine-readable format 1.0: a header naming the format, then paragraphs of
     * fields; each {@code Files} paragraph has a {@code Copyright} and a {@code License}, and every licence it names
     * has its text, in place or in a {@code License} paragraph of its own.
     */
    @Test
    void theDebsCopyrightFileIsMachineReadable() throws IOException {
        List<Map<String, String>> paragraphs = new ArrayList<>();
        for (String paragraph : Files.readString(Path.of("packaging/deb/copyright")).split("\n\n")) {
            Map<String, String> fields = new LinkedHashMap<>();
            String field = null;
            for (String line : paragraph.strip().split("\n")) {
                if (line.startsWith(" ")) {
                    assertNotNull(field, "a continuation line before any field: " + line);
                    fields.merge(field, "\n" + line.strip(), String::concat);
                } else {
                    int colon = line.indexOf(':');
                    assertTrue(colon > 0, "not a field: " + line);
                    field = line.substring(0, colon);
                    assertEquals(null, fields.put(field, line.substring(colon + 1).strip()), "repeated: " + field);
                }
            }
            paragraphs.add(fields);
        }
        assertEquals("https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/", paragraphs.get(0).get("Format"));
        Set<String> texts = new HashSet<>();
        paragraphs.stream().filter(p -> !p.containsKey("Files") && p.containsKey("License"))
                .forEach(p -> texts.add(p.get("License").lines().findFirst().orElseThrow()));
        List<String> wrong = new ArrayList<>();
        for (Map<String, String> files : paragraphs.stream().filter(p -> p.containsKey("Files")).toList()) {
            if (!files.containsKey("Copyright") || !files.containsKey("License")) {
                wrong.add(files.get("Files") + ": no Copyright or License");
                continue;
            }
            String[] license = files.get("License").split("\n", 2);
            for (String name : license[0].split(" (and|or) ")) {
                if (license.length == 1 && !texts.contains(name)) {
                    wrong.add(files.get("Files") + ": no text for " + name);
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    /** group, artifact, type, version of each jar bundled, as {@code mvn package} listed them. */
    private static List<String[]> bundled() throws IOException {
        List<String[]> artifacts = Files.readAllLines(Path.of("target/bundled-artifacts.txt")).stream()
                .map(String::strip).filter(line -> line.matches("[\\w.-]+:[\\w.-]+:jar:\\S+.*"))
                .map(line -> line.split("\\s")[0].split(":")).toList();
        assertFalse(artifacts.isEmpty(), "target/bundled-artifacts.txt lists no jar");
        return artifacts;
    }

    private static Path localJar(String[] coordinates) {
        String repository = System.getProperty("local.repository", System.getProperty("user.home") + "/.m2/repository");
        return Path.of(repository, coordinates[0].split("\\.")).resolve(
                Path.of(coordinates[1], coordinates[3], coordinates[1] + "-" + coordinates[3] + ".jar"));
    }

    private static byte[] read(ZipFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        assertNotNull(entry, name + " is missing from " + JAR);
        return jar.getInputStream(entry).readAllBytes();
    }

    private static void assertScript(String script, String success) throws Exception {
        // Output to a file, so the time limit holds even if the script hangs with its output open.
        Path log = Files.createTempFile("packaging-it", ".log");
        try {
            Process process = new ProcessBuilder("bash", script).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean finished = process.waitFor(10, TimeUnit.MINUTES);
            process.destroyForcibly();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(finished, script + " did not finish: " + output);
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains(success), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
