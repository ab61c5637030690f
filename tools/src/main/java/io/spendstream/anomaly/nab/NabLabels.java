package io.spendstream.anomaly.nab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The anomaly windows of every NAB series, from {@code labels/combined_windows.json}, keyed like NAB keys them:
 * {@code <category>/<file>.csv}. The perfect score of a set of series counts all of their windows, these included
 * when they fall into probation (as NAB's normalisation does).
 */
public final class NabLabels {

    private final Map<String, List<NabWindow>> windowsByKey;

    private NabLabels(Map<String, List<NabWindow>> windowsByKey) {
        this.windowsByKey = windowsByKey;
    }

    public static NabLabels load(Path combinedWindowsJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(combinedWindowsJson.toFile());
        Map<String, List<NabWindow>> windows = new LinkedHashMap<>();
        root.fields().forEachRemaining(entry -> {
            List<NabWindow> list = new ArrayList<>();
            for (JsonNode pair : entry.getValue()) {
                list.add(new NabWindow(NabTime.parse(pair.get(0).asText()), NabTime.parse(pair.get(1).asText())));
            }
            windows.put(entry.getKey(), Collections.unmodifiableList(list));
        });
        return new NabLabels(windows);
    }

    public static NabLabels of(Map<String, List<NabWindow>> windowsByKey) {
        return new NabLabels(Map.copyOf(windowsByKey));
    }

    /** The windows of one series in time order; fails for a series the labels do not know (a typo, not "no window"). */
    public List<NabWindow> windowsOf(String key) {
        List<NabWindow> windows = windowsByKey.get(key);
        if (windows == null) {
            throw new IllegalArgumentException("No NAB labels for " + key);
        }
        return windows;
    }
}
