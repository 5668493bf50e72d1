package dev.loopwatch.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopwatch.core.config.ConfigException;
import dev.loopwatch.core.config.ConfigParser;
import dev.loopwatch.core.config.Option;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The user's pages do not drift from the repository: every relative link in {@code README.md}, {@code docs/}
 * and {@code benchmarks/README.md} points at a file that exists (and, for a Markdown file, at a heading it has),
 * and every option {@link ConfigParser} accepts has its row in {@code docs/options.md}.
 */
class DocsTest {
    /** {@code [text](target)}; images too. Targets with a scheme ({@code https:}) are not checked. */
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    /** The repository root: the parent of the module Surefire runs in ({@code basedir}). */
    static Path root() {
        Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        Path root = module.getParent();
        assertTrue(Files.isRegularFile(root.resolve("README.md")) && Files.isDirectory(root.resolve("docs")),
                "no README.md and docs/ in " + root + " (module " + module + ")");
        return root;
    }

    static List<Path> pages(Path root) throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        pages.add(root.resolve("benchmarks/README.md"));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    @Test
    void everyRelativeLinkPointsAtAFileAndHeadingThatExist() throws IOException {
        Path root = root();
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages(root)) {
            for (String target : links(Files.readString(page))) {
                if (SCHEME.matcher(target).find()) {
                    continue;
                }
                checked++;
                String problem = problem(page, target);
                if (problem != null) {
                    broken.add(root.relativize(page) + ": (" + target + ") " + problem);
                }
            }
        }
        assertTrue(checked > 20, "expected the pages to link to each other; found " + checked + " relative links");
        assertEquals(List.of(), broken, "broken links");
    }

    @Test
    void everyOptionIsDocumented() throws IOException {
        String options = Files.readString(root().resolve("docs/options.md"));
        Set<String> rows = new HashSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\|").matcher(options);
        while (row.find()) {
            rows.add(row.group(1));
        }
        Set<String> keys = optionKeys();
        assertTrue(keys.contains("threshold") && keys.size() == Option.values().length, "keys read: " + keys);
        List<String> missing = keys.stream().filter(k -> !rows.contains(k)).sorted().collect(Collectors.toList());
        assertEquals(List.of(), missing, "options ConfigParser accepts without a row in docs/options.md");
        rows.removeAll(keys);
        assertEquals(Set.of(), rows, "rows in docs/options.md's table for options ConfigParser does not know");
    }

    /** The keys ConfigParser accepts, as it lists them to a user who typed an unknown one. */
    static Set<String> optionKeys() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse("no.such.option=1", new Properties(), Map.of()));
        Matcher valid = Pattern.compile("valid options: ([^;]+);").matcher(e.getMessage());
        assertTrue(valid.find(), e.getMessage());
        Set<String> keys = new HashSet<>(List.of(valid.group(1).split(", ")));
        for (String key : keys) {
            assertEquals(key, Option.byKey(key).key(), "ConfigParser names a key Option does not have");
        }
        return keys;
    }

    private static String problem(Path page, String target) throws IOException {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
            return "no such file: " + resolved;
        }
        if (anchor != null && resolved.toString().endsWith(".md")
                && !anchors(Files.readString(resolved)).contains(anchor)) {
            return "no heading with anchor #" + anchor + " in " + resolved.getFileName();
        }
        return null;
    }

    /** The links outside fenced code blocks and inline code. */
    static List<String> links(String markdown) {
        List<String> links = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced || line.startsWith("    ")) {
                continue;
            }
            Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
            while (m.find()) {
                links.add(m.group(1));
            }
        }
        return links;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced || !line.startsWith("#")) {
                continue;
            }
            String text = line.replaceFirst("^#+\\s*", "").strip();
            String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return anchors;
    }
}
