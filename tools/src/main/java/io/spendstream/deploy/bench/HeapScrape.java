package io.spendstream.deploy.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * What an app's Prometheus endpoint says right now: the heap in use ({@code jvm_memory_used_bytes{area="heap"}}), or
 * the whole text for other figures ({@link KafkaTimes}).
 */
final class HeapScrape {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HeapScrape() {
    }

    /** Sum over the heap pools, or -1 when the endpoint cannot be read. */
    static long heapUsedBytes(int metricsPort) {
        return metricsText(metricsPort).map(HeapScrape::sumHeap).orElse(-1L);
    }

    /** The endpoint's text, or empty when it cannot be read. */
    static Optional<String> metricsText(int metricsPort) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return Optional.of(response.body());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static long sumHeap(String prometheusText) {
        double sum = 0;
        boolean found = false;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? (long) sum : -1;
    }
}
