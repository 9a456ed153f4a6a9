package org.openclaw.sessionstatus.source.files;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sessions.json}: session key → entry. Streamed, keeping only the fields the daemon needs and skipping the
 * large ones (skills snapshots, prompt reports), so a store of hundreds of KB costs little to re-read.
 */
final class StoreFile {
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * @param sessionFile the base name of the entry's {@code sessionFile}, or null
     */
    record Entry(String key, String sessionId, long updatedAtMs, String sessionFile, String status, long endedAtMs,
            String chatType) {

        /** Transcript names to look for, in order: {@code sessionFile}'s base name, then {@code <sessionId>.jsonl}. */
        List<String> transcriptCandidates() {
            String byId = sessionId + ".jsonl";
            return sessionFile == null || sessionFile.equals(byId) ? List.of(byId) : List.of(sessionFile, byId);
        }
    }

    private StoreFile() {
    }

    /**
     * Parses a whole store. Keys that share one session id (a cron job and its current run) are one session: the
     * shortest key is kept. Entries without a session id are skipped.
     *
     * @throws IOException when the content is not a whole JSON object: the caller keeps the last good store
     */
    static Map<String, Entry> parse(InputStream in) throws IOException {
        Map<String, Entry> bySessionId = new HashMap<>();
        try (JsonParser json = JSON.createParser(in)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("sessions.json is not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String key = json.currentName();
                if (json.nextToken() != JsonToken.START_OBJECT) {
                    json.skipChildren();
                    continue;
                }
                Entry entry = entry(key, json);
                if (entry != null) {
                    bySessionId.merge(entry.sessionId(), entry, StoreFile::preferShorterKey);
                }
            }
            if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
                throw new IOException("sessions.json is incomplete");
            }
        }
        List<Entry> entries = new ArrayList<>(bySessionId.values());
        entries.sort(Comparator.comparing(Entry::key));
        Map<String, Entry> byKey = new LinkedHashMap<>();
        entries.forEach(e -> byKey.put(e.key(), e));
        return byKey;
    }

    private static Entry preferShorterKey(Entry a, Entry b) {
        int byLength = Integer.compare(a.key().length(), b.key().length());
        return byLength < 0 || (byLength == 0 && a.key().compareTo(b.key()) <= 0) ? a : b;
    }

    private static Entry entry(String key, JsonParser json) throws IOException {
        String sessionId = null;
        String sessionFile = null;
        String status = null;
        String chatType = null;
        long updatedAt = 0;
        long endedAt = 0;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            switch (field) {
                case "sessionId" -> sessionId = text(json, value);
                case "sessionFile" -> sessionFile = baseName(text(json, value));
                case "status" -> status = text(json, value);
                case "chatType" -> chatType = text(json, value);
                case "updatedAt" -> updatedAt = value.isNumeric() ? json.getValueAsLong() : 0;
                case "endedAt" -> endedAt = value.isNumeric() ? json.getValueAsLong() : 0;
                default -> json.skipChildren();
            }
        }
        return sessionId == null || sessionId.isEmpty() || sessionId.contains("/") ? null
                : new Entry(key, sessionId, updatedAt, sessionFile, status, endedAt, chatType);
    }

    private static String text(JsonParser json, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return json.getText();
        }
        json.skipChildren();
        return null;
    }

    /** The gateway's absolute path may not exist here (a container mounts the state dir elsewhere): keep the name. */
    private static String baseName(String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() ? null : name;
    }
}
