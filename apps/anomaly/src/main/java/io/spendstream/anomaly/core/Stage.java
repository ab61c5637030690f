package io.spendstream.anomaly.core;


/**
 * The anomaly app's name, which is also the {@code stage} tag of its meters ({@code spendstream.records.in},
 * {@code spendstream.anomaly.*}). Here rather than in {@code AnomalyApp} so the detection packages need not depend on
 * the app that assembles them.
 */
public final class Stage {

    public static final String NAME = "anomaly";

    private Stage() {
    }
}
