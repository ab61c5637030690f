package io.spendstream.deploy.notify;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;

/**
 * The alerts that are firing now, by partition of {@code spend.alerts} and dedup key: the latest FIRING record of a
 * key puts it here, a RESOLVED one removes it. Kept per partition so that a notifier that loses a partition to
 * another instance also stops re-posting that partition's alerts.
 */
public final class FiringAlerts {

    private final Map<Integer, Map<String, Alert>> byPartition = new HashMap<>();

    /** Records the event; returns the firing alert of the same dedup key it replaces or ends, or null. */
    public Alert apply(int partition, Alert alert) {
        Map<String, Alert> alerts = byPartition.computeIfAbsent(partition, p -> new LinkedHashMap<>());
        if (alert.getStatus() == AlertStatus.FIRING) {
            return alerts.put(alert.getDedupKey(), alert);
        }
        return alerts.remove(alert.getDedupKey());
    }

    public void forget(Collection<Integer> partitions) {
        partitions.forEach(byPartition::remove);
    }

    public int size(int partition) {
        return byPartition.getOrDefault(partition, Map.of()).size();
    }

    public int size() {
        return byPartition.values().stream().mapToInt(Map::size).sum();
    }

    public List<Alert> all() {
        List<Alert> all = new ArrayList<>();
        byPartition.values().forEach(alerts -> all.addAll(alerts.values()));
        return all;
    }
}
