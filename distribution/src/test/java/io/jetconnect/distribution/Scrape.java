package io.jetconnect.distribution;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A parsed {@code GET /metrics} answer (Prometheus text format 0.0.4): the families of its {@code # TYPE} lines and
 * every sample with its labels, so that tests can ask what is exported, with which type and labels.
 */
final class Scrape {

    /** One sample line: its name (a family name, or a histogram's {@code _bucket}, {@code _count}...), labels. */
    record Sample(String name, Map<String, String> labels, String value) {
    }

    private final Map<String, String> types = new TreeMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private Scrape() {
    }

    static Scrape parse(String text) {
        Scrape scrape = new Scrape();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring("# TYPE ".length()).trim().split(" ");
                scrape.types.put(parts[0], parts[1]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                scrape.samples.add(sample(line));
            }
        }
        return scrape;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (brace < 0 || brace > space) {
            return new Sample(line.substring(0, space), Map.of(), line.substring(space + 1).trim());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        int i = brace + 1;
        while (line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            while (line.charAt(j) != '"') {
                char c = line.charAt(j);
                if (c == '\\') {
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
                j++;
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (line.charAt(i) == ',') {
                i++;
            }
        }
        return new Sample(line.substring(0, brace), labels, line.substring(i + 1).trim());
    }

    /** @return family name to type (counter, gauge, histogram, summary), from the {@code # TYPE} lines */
    Map<String, String> families() {
        return Collections.unmodifiableMap(types);
    }

    /** @return the family a sample name belongs to ({@code x_bucket} of histogram {@code x} is {@code x}), or null */
    String familyOf(String sampleName) {
        if (types.containsKey(sampleName)) {
            return sampleName;
        }
        for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
            if (sampleName.endsWith(suffix)) {
                String base = sampleName.substring(0, sampleName.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
                    return base;
                }
            }
        }
        return null;
    }

    /** @return the samples of a family, histogram buckets and sums included */
    List<Sample> samplesOf(String family) {
        return samples.stream().filter(s -> family.equals(familyOf(s.name()))).toList();
    }

    /** @return the samples whose name is exactly {@code name} (a family or a histogram's sample name) */
    List<Sample> samplesNamed(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** @return the label names of a family's samples, without the histogram's {@code le} and summaries' quantile */
    Set<String> labelsOf(String family) {
        Set<String> labels = new TreeSet<>();
        for (Sample sample : samplesOf(family)) {
            labels.addAll(sample.labels().keySet());
        }
        labels.remove("le");
        labels.remove("quantile");
        return labels;
    }

    /** @return the value of the one sample named so with exactly these labels among its labels, or null */
    Double value(String name, Map<String, String> labels) {
        for (Sample sample : samplesNamed(name)) {
            if (sample.labels().entrySet().containsAll(labels.entrySet())) {
                return Double.valueOf(sample.value());
            }
        }
        return null;
    }
}
