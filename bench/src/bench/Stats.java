package bench;

import java.util.List;
import java.util.Locale;

/** Percentiles of a sample of latencies, in milliseconds. */
record Stats(int count, double p50, double p99, double max, int missed) {

    static Stats of(List<Double> millis, int missed) {
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, missed);
        }
        return new Stats(sorted.length, at(sorted, 0.50), at(sorted, 0.99), sorted[sorted.length - 1], missed);
    }

    private static double at(double[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** "p50 / p99 / max" in ms, with the count. */
    String cell() {
        if (count == 0) {
            return "never seen" + (missed > 0 ? " (" + missed + " changes)" : "");
        }
        return String.format(Locale.ROOT, "%s / %s / %s ms (n=%d%s)", ms(p50), ms(p99), ms(max), count,
                missed > 0 ? ", " + missed + " not seen in 5 s" : "");
    }

    static String ms(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
