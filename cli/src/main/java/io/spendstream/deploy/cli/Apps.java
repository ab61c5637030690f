package io.spendstream.deploy.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.attribution.AttributionApp;
import io.spendstream.enrich.EnrichApp;
import io.spendstream.ingest.IngestApp;
import io.spendstream.runtime.StreamsApp;

/** The four stream apps by name, in pipeline order. */
public final class Apps {

    private static final Map<String, Supplier<StreamsApp>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("ingest", IngestApp::new);
        BY_NAME.put("enrich", EnrichApp::new);
        BY_NAME.put("attribution", AttributionApp::new);
        BY_NAME.put("anomaly", AnomalyApp::new);
    }

    private Apps() {
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static StreamsApp create(String name) {
        Supplier<StreamsApp> app = BY_NAME.get(name);
        if (app == null) {
            throw new IllegalArgumentException("Unknown app '" + name + "'; the apps are " + names());
        }
        return app.get();
    }
}
