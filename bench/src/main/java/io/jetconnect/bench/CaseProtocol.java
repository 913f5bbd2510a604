package io.jetconnect.bench;

import java.util.Locale;

/**
 * The lines the bench and a case's own JVM exchange over the child's standard input and output, one message a line,
 * fields separated by tabs. The child's lines start with {@value #TAG} and a tab, because the JVM itself may write
 * to standard output too ({@code -Xlog}, a flight recording's start); the bench passes any other line on to its
 * standard error.
 *
 * <pre>
 * child:  ready | unavailable TAB why | failed TAB why        (once, when the case is set up or cannot be)
 * bench:  run TAB n TAB rate                                  (one run; n &lt; 0 for a warm-up)
 * child:  sample TAB row TAB fields... | error TAB row TAB why   (a line per row of the case)
 *         note TAB row TAB text                               (any number)
 *         end                                                 (the run is over)
 * bench:  close                                               (the child closes the case and exits)
 * </pre>
 */
final class CaseProtocol {

    static final String TAG = "@jetconnect-bench";
    static final String READY = "ready";
    static final String UNAVAILABLE = "unavailable";
    static final String FAILED = "failed";
    static final String RUN = "run";
    static final String SAMPLE = "sample";
    static final String ERROR = "error";
    static final String NOTE = "note";
    static final String END = "end";
    static final String CLOSE = "close";

    private CaseProtocol() {
    }

    /** @return a line of the bench's (a command) */
    static String line(String... fields) {
        StringBuilder out = new StringBuilder();
        for (String field : fields) {
            if (out.length() > 0) {
                out.append('\t');
            }
            out.append(field.replaceAll("[\\t\\r\\n]+", " "));
        }
        return out.toString();
    }

    /** @return a line of the child's (a reply), tagged */
    static String reply(String... fields) {
        return TAG + "\t" + line(fields);
    }

    /** @return the fields of a child's line, or null when the line is not one (something else the JVM printed) */
    static String[] parseReply(String line) {
        if (!line.startsWith(TAG + "\t")) {
            return null;
        }
        return line.substring(TAG.length() + 1).split("\t", -1);
    }

    /** @return the reply that carries one row's sample */
    static String sample(String row, RunSample s) {
        if (!s.ok()) {
            return reply(ERROR, row, s.error());
        }
        ProcessProbe.Spent p = s.spent();
        return reply(SAMPLE, row, Long.toString(s.events()), Double.toString(s.rate()), Double.toString(s.p50Millis()),
                Double.toString(s.p99Millis()), Long.toString(p.wallNanos()), Long.toString(p.cpuNanos()),
                Long.toString(p.gcMillis()), Long.toString(p.serverCpuMillis()), Long.toString(p.peakRssKib()));
    }

    /**
     * @param fields a {@link #SAMPLE} or {@link #ERROR} reply's fields ({@link #parseReply})
     * @return the sample it carries
     * @throws IllegalArgumentException if the line is not one
     */
    static RunSample parseSample(String[] fields) {
        try {
            if (fields[0].equals(ERROR) && fields.length == 3) {
                return RunSample.failed(fields[2]);
            }
            if (fields[0].equals(SAMPLE) && fields.length == 11) {
                ProcessProbe.Spent spent = new ProcessProbe.Spent(Long.parseLong(fields[6]),
                        Long.parseLong(fields[7]), Long.parseLong(fields[8]), Long.parseLong(fields[9]),
                        Long.parseLong(fields[10]));
                return new RunSample(Long.parseLong(fields[2]), Double.parseDouble(fields[3]),
                        Double.parseDouble(fields[4]), Double.parseDouble(fields[5]), spent, null);
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("not a sample line: " + String.join("\t", fields));
    }

    static String run(int run, double rate) {
        return line(RUN, Integer.toString(run), String.format(Locale.ROOT, "%.3f", rate));
    }
}
