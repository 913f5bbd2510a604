package io.jetconnect.distribution;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small PromQL checker for the shipped alert rules and dashboard, standing in for {@code promtool}: it scans an
 * expression into metric selectors (with their label matchers), function calls and grouping labels, and reports
 * unbalanced brackets, unknown functions, malformed range selectors and label matchers. {@link #against(Scrape)}
 * then checks the selectors against a live scrape: each metric is exported and each selector matches at least one
 * exported series, and each grouping label exists.
 */
final class PromQlCheck {

    /** Prometheus' functions and aggregation operators (prometheus/promql/parser/functions.go, lex.go). */
    static final Set<String> FUNCTIONS = Set.of(
            "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "avg_over_time",
            "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh", "count_over_time", "day_of_month",
            "day_of_week", "day_of_year", "days_in_month", "deg", "delta", "deriv", "exp", "floor",
            "histogram_avg", "histogram_count", "histogram_fraction", "histogram_quantile", "histogram_stddev",
            "histogram_stdvar", "histogram_sum", "holt_winters", "double_exponential_smoothing", "hour", "idelta",
            "increase", "irate", "label_join", "label_replace", "last_over_time", "ln", "log10", "log2",
            "mad_over_time", "max_over_time", "min_over_time", "minute", "month", "pi", "predict_linear",
            "present_over_time", "quantile_over_time", "rad", "rate", "resets", "round", "scalar", "sgn", "sin",
            "sinh", "sort", "sort_desc", "sort_by_label", "sort_by_label_desc", "sqrt", "stddev_over_time",
            "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year",
            // aggregation operators
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio");

    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    private static final Set<String> BINARY_KEYWORDS = Set.of("and", "or", "unless", "bool");
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    /** Series Prometheus makes for every target itself ({@code up}), which the runtime does not export. */
    static final Set<String> TARGET_SERIES = Set.of("up");
    /** Labels Prometheus adds at scrape time, which the runtime does not export. */
    static final Set<String> TARGET_LABELS = Set.of("instance", "job");
    private static final String DURATION = "(\\d+(ms|[smhdwy]))+";
    private static final Pattern RANGE = Pattern.compile(
            "\\s*(" + DURATION + "|\\$__\\w+)(\\s*:\\s*(" + DURATION + ")?)?\\s*");
    private static final Pattern MATCHER = Pattern.compile(
            "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");

    /** A metric selector: the name and its label matchers. */
    record Selector(String metric, List<LabelMatcher> matchers) {
    }

    /** One label matcher, such as {@code area="heap"}. */
    record LabelMatcher(String label, String op, String value) {
        boolean matches(Map<String, String> labels) {
            if (value.contains("$")) {
                return true; // a Grafana variable ($instance, $pipeline): any value may be chosen
            }
            String actual = labels.getOrDefault(label, "");
            return switch (op) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                case "=~" -> actual.matches(value);
                default -> !actual.matches(value);
            };
        }
    }

    private final String expr;
    private final List<Selector> selectors = new ArrayList<>();
    private final Set<String> functions = new LinkedHashSet<>();
    private final Set<String> groupingLabels = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();

    private PromQlCheck(String expr) {
        this.expr = expr;
    }

    /** Scans an expression; syntax problems are in {@link #problems()}. */
    static PromQlCheck scan(String expr) {
        PromQlCheck check = new PromQlCheck(expr);
        if (expr == null || expr.isBlank()) {
            check.problems.add("empty expression");
            return check;
        }
        check.scan();
        return check;
    }

    List<Selector> selectors() {
        return selectors;
    }

    Set<String> metrics() {
        Set<String> names = new LinkedHashSet<>();
        selectors.forEach(s -> names.add(s.metric()));
        return names;
    }

    Set<String> groupingLabels() {
        return groupingLabels;
    }

    List<String> problems() {
        return problems;
    }

    /**
     * Checks the selectors against a scrape, adding to {@link #problems()}.
     *
     * @return this
     */
    PromQlCheck against(Scrape scrape) {
        Set<String> known = new LinkedHashSet<>(TARGET_LABELS);
        known.add("le");
        for (Selector selector : selectors) {
            if (TARGET_SERIES.contains(selector.metric())) {
                continue;
            }
            String family = scrape.familyOf(selector.metric());
            if (family == null) {
                problems.add("metric " + selector.metric() + " is not exported");
                continue;
            }
            known.addAll(scrape.labelsOf(family));
            boolean any = scrape.samplesNamed(selector.metric()).stream()
                    .anyMatch(s -> selector.matchers().stream().allMatch(m -> m.matches(s.labels())));
            if (!any) {
                problems.add("selector " + selector + " matches no exported series");
            }
        }
        for (String label : groupingLabels) {
            if (!known.contains(label)) {
                problems.add("grouping label '" + label + "' is on none of the metrics " + metrics());
            }
        }
        return this;
    }

    private void scan() {
        Deque<Character> parens = new ArrayDeque<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                int eol = expr.indexOf('\n', i);
                i = eol < 0 ? n : eol;
            } else if (c == '"' || c == '\'' || c == '`') {
                i = skipString(i);
            } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1))) {
                Matcher number = Pattern.compile("(\\d+(ms|[smhdwy]))+|\\d*\\.?\\d+([eE][+-]?\\d+)?")
                        .matcher(expr).region(i, n);
                i = number.lookingAt() ? number.end() : i + 1;
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                i = identifier(i);
            } else if (c == '{') {
                problems.add("a selector without a metric name at " + i);
                i = matchers(i, new ArrayList<>());
            } else if (c == '[') {
                int close = expr.indexOf(']', i);
                if (close < 0) {
                    problems.add("unbalanced '[' at " + i);
                    return;
                }
                if (!RANGE.matcher(expr.substring(i + 1, close)).matches()) {
                    problems.add("malformed range '" + expr.substring(i, close + 1) + "'");
                }
                i = close + 1;
            } else if (c == '(') {
                parens.push(c);
                i++;
            } else if (c == ')') {
                if (parens.isEmpty()) {
                    problems.add("unbalanced ')' at " + i);
                } else {
                    parens.pop();
                }
                i++;
            } else if (c == ']' || c == '}') {
                problems.add("unbalanced '" + c + "' at " + i);
                i++;
            } else if ("+-*/%^=!<>,@".indexOf(c) >= 0) {
                i++;
            } else {
                problems.add("unexpected '" + c + "' at " + i);
                i++;
            }
        }
        if (!parens.isEmpty()) {
            problems.add(parens.size() + " unclosed '('");
        }
    }

    private int identifier(int start) {
        int i = start;
        while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_'
                || expr.charAt(i) == ':')) {
            i++;
        }
        String word = expr.substring(start, i);
        int next = skipSpace(i);
        char after = next < expr.length() ? expr.charAt(next) : 0;
        if (BINARY_KEYWORDS.contains(word)) {
            return i;
        }
        if (word.equals("offset")) {
            Matcher duration = Pattern.compile("-?" + DURATION).matcher(expr).region(next, expr.length());
            if (!duration.lookingAt()) {
                problems.add("offset without a duration at " + start);
                return next;
            }
            return duration.end();
        }
        if (GROUPING.contains(word)) {
            if (after != '(') {
                if (!word.startsWith("group_")) {
                    problems.add("'" + word + "' without a label list at " + start);
                }
                return i;
            }
            int close = expr.indexOf(')', next);
            if (close < 0) {
                problems.add("unbalanced '(' after " + word);
                return expr.length();
            }
            for (String label : expr.substring(next + 1, close).split(",")) {
                String name = label.trim();
                if (name.isEmpty()) {
                    continue;
                }
                if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                    problems.add("invalid label name '" + name + "' in " + word + "(...)");
                } else {
                    groupingLabels.add(name);
                }
            }
            return close + 1;
        }
        if (AGGREGATIONS.contains(word) && Pattern.compile("(by|without)\\s*\\(").matcher(expr)
                .region(next, expr.length()).lookingAt()) {
            functions.add(word); // max by (a) (x): the grouping comes first
            return i;
        }
        if (after == '(') {
            if (!FUNCTIONS.contains(word)) {
                problems.add("unknown function '" + word + "'");
            }
            functions.add(word);
            return i;
        }
        List<LabelMatcher> matchers = new ArrayList<>();
        int end = i;
        if (after == '{') {
            end = matchers(next, matchers);
        }
        selectors.add(new Selector(word, matchers));
        return end;
    }

    /** Parses {@code {a="b", c=~"d"}} starting at its brace; @return the index after the closing brace */
    private int matchers(int brace, List<LabelMatcher> into) {
        int i = brace + 1;
        int start = i;
        while (i < expr.length() && expr.charAt(i) != '}') {
            char c = expr.charAt(i);
            i = c == '"' || c == '\'' || c == '`' ? skipString(i) : i + 1;
        }
        if (i >= expr.length()) {
            problems.add("unbalanced '{' at " + brace);
            return expr.length();
        }
        String body = expr.substring(start, i);
        if (!body.isBlank()) {
            Matcher m = MATCHER.matcher(body);
            int at = 0;
            while (at < body.length()) {
                m.region(at, body.length());
                if (!m.lookingAt()) {
                    problems.add("malformed label matchers '{" + body + "}'");
                    break;
                }
                into.add(new LabelMatcher(m.group(1), m.group(2), m.group(3).replace("\\\\", "\\")));
                at = m.end();
                if (at < body.length()) {
                    if (body.charAt(at) != ',') {
                        problems.add("malformed label matchers '{" + body + "}'");
                        break;
                    }
                    at++;
                }
            }
        }
        return i + 1;
    }

    private int skipString(int quote) {
        char q = expr.charAt(quote);
        int i = quote + 1;
        while (i < expr.length() && expr.charAt(i) != q) {
            i += expr.charAt(i) == '\\' && q != '`' ? 2 : 1;
        }
        if (i >= expr.length()) {
            problems.add("unterminated string at " + quote);
        }
        return i + 1;
    }

    private int skipSpace(int i) {
        while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
            i++;
        }
        return i;
    }
}
