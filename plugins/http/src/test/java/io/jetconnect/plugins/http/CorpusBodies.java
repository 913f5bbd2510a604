package io.jetconnect.plugins.http;

import java.nio.charset.StandardCharsets;

/**
 * The bodies of the bad-input corpus's {@code generate.txt} cases, for the http source's {@code BadInputCorpusTest}
 * and distribution's {@code BadInputCorpusIT} alike (shipped with the corpus in this module's test-jar).
 */
public final class CorpusBodies {

    private CorpusBodies() {
    }

    /**
     * Builds a body the corpus describes instead of storing: every kind is one structured-mode event (or a batch)
     * from source {@code /corpus} whose ids start with the case's name, for tenant {@code acme}.
     * <ul>
     *   <li>{@code huge-string N}: data holds a string of N characters;</li>
     *   <li>{@code huge-id N}: the event id is N characters long;</li>
     *   <li>{@code deep-arrays N}: data holds N nested arrays (data itself is one level more, the event one more);</li>
     *   <li>{@code deep-objects N}: data holds N nested objects;</li>
     *   <li>{@code batch N}: a batch of N small valid events;</li>
     *   <li>{@code many-extensions N}: one event with N extension attributes.</li>
     * </ul>
     */
    public static byte[] generate(String kind, int n, String id) {
        StringBuilder out = new StringBuilder(n + 256);
        String head = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/corpus\","
                + "\"type\":\"corpus.generated\",\"datacontenttype\":\"application/json\"";
        switch (kind) {
            case "huge-string" -> out.append(head).append(",\"data\":{\"tenantId\":\"acme\",\"s\":\"")
                    .append("x".repeat(n)).append("\"}}");
            case "huge-id" -> out.append("{\"specversion\":\"1.0\",\"id\":\"").append("i".repeat(n))
                    .append("\",\"source\":\"/corpus\",\"type\":\"corpus.generated\",")
                    .append("\"data\":{\"tenantId\":\"acme\"}}");
            case "deep-arrays" -> out.append(head).append(",\"data\":{\"tenantId\":\"acme\",\"d\":")
                    .append("[".repeat(n)).append("]".repeat(n)).append("}}");
            case "deep-objects" -> out.append(head).append(",\"data\":{\"tenantId\":\"acme\",\"d\":")
                    .append("{\"a\":".repeat(n)).append("0").append("}".repeat(n)).append("}}");
            case "batch" -> {
                out.append('[');
                for (int i = 0; i < n; i++) {
                    out.append(i == 0 ? "" : ",").append("{\"specversion\":\"1.0\",\"id\":\"").append(id).append('-')
                            .append(i).append("\",\"source\":\"/corpus\",\"type\":\"corpus.generated\","
                                    + "\"data\":{\"tenantId\":\"acme\"}}");
                }
                out.append(']');
            }
            case "many-extensions" -> {
                out.append(head);
                for (int i = 0; i < n; i++) {
                    out.append(",\"ext").append(i).append("\":\"v\"");
                }
                out.append(",\"data\":{\"tenantId\":\"acme\"}}");
            }
            default -> throw new IllegalArgumentException("unknown generator " + kind);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
