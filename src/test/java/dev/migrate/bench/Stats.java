package dev.migrate.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The arithmetic every benchmark here prints: medians and milliseconds. */
public final class Stats {
    private Stats() {
    }

    /** The median (the mean of the two middle values for an even count). */
    public static double median(List<? extends Number> xs) {
        List<Double> s = new ArrayList<>();
        xs.forEach(x -> s.add(x.doubleValue()));
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    public static double ms(long nanos) {
        return nanos / 1e6;
    }
}
