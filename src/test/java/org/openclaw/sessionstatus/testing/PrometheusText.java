package org.openclaw.sessionstatus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus text read by the official client's parser (Debian's python3-prometheus-client, which {@code .ci/run}
 * installs); the parser fails the test on anything that is not valid text format.
 *
 * @param samples by {@code name{label=value,…}} (labels sorted; no braces without labels)
 * @param types family name → {@code gauge}, {@code counter}, …
 */
public record PrometheusText(Map<String, Double> samples, Map<String, String> types, Set<String> labelNames) {

    public double get(String sample) {
        Double value = samples.get(sample);
        if (value == null) {
            fail("no sample " + sample + " in " + samples.keySet());
        }
        return value;
    }

    public static PrometheusText parse(String text, Path workDir) throws IOException, InterruptedException {
        String python = Python.require("prometheus_client");
        Process parser = new ProcessBuilder(python, Python.script("parse_prometheus.py", workDir).toString()).start();
        try (OutputStream stdin = parser.getOutputStream()) {
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(parser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(parser.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(parser.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, parser.exitValue(), "the Prometheus parser rejected the text:\n" + err + "\n" + text);
        Map<String, Double> samples = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        Set<String> labelNames = new HashSet<>();
        // Python's json writes a NaN sample as NaN, which strict JSON has no word for.
        for (JsonNode family : JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build().readTree(out)) {
            types.put(family.get("name").asText(), family.get("type").asText());
            for (JsonNode sample : family.get("samples")) {
                List<String> labels = new ArrayList<>();
                sample.get("labels").properties().forEach(label -> {
                    labelNames.add(label.getKey());
                    labels.add(label.getKey() + "=" + label.getValue().asText());
                });
                labels.sort(null);
                String name = sample.get("name").asText();
                samples.put(labels.isEmpty() ? name : name + "{" + String.join(",", labels) + "}",
                        sample.get("value").asDouble());
            }
        }
        return new PrometheusText(samples, types, labelNames);
    }
}
