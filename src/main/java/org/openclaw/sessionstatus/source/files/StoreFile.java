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
import org.jspecify.annotations.Nullable;

/**
 * {@code sessions.json}: session key → entry. Streamed, keeping only the fields the daemon needs and skipping the
 * large ones (skills snapshots, prompt reports), so a store of hundreds of KB costs little to re-read. Its strings
 * are only ever data. A field of the wrong type costs only that field (read as absent, and counted): the session
 * stays with what can be read, so a release that changes a field's type cannot make its sessions invisible. An
 * entry whose session id is not a plain file name has no identity to read by: it is skipped and counted.
 */
final class StoreFile {
    private static final JsonFactory JSON = new JsonFactory();

    /** The entries read, and how many entries and fields were skipped. */
    record Parsed(Map<String, Entry> entries, int skipped) {
    }

    /**
     * @param sessionFile the base name of the entry's {@code sessionFile} when it names a transcript, else null
     */
    record Entry(String key, String sessionId, long updatedAtMs, @Nullable String sessionFile, @Nullable String status,
            long endedAtMs, @Nullable String chatType) {

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
     * shortest key is kept.
     *
     * @throws IOException when the content is not a whole JSON object: the caller keeps the last good store
     */
    static Parsed parse(InputStream in) throws IOException {
        Map<String, Entry> bySessionId = new HashMap<>();
        int[] skipped = {0};
        try (JsonParser json = JSON.createParser(in)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("sessions.json is not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String key = json.currentName();
                if (json.nextToken() != JsonToken.START_OBJECT) {
                    json.skipChildren();
                    skipped[0]++;
                    continue;
                }
                Entry entry = entry(key, json, skipped);
                if (entry != null) {
                    bySessionId.merge(entry.sessionId(), entry, StoreFile::preferShorterKey);
                } else {
                    skipped[0]++;
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
        return new Parsed(byKey, skipped[0]);
    }

    private static Entry preferShorterKey(Entry a, Entry b) {
        int byLength = Integer.compare(a.key().length(), b.key().length());
        return byLength < 0 || (byLength == 0 && a.key().compareTo(b.key()) <= 0) ? a : b;
    }

    /**
     * One entry, read to its end whatever it holds; a field of the wrong type is read as absent and counted in
     * {@code skipped}. @return null when its session id is not a plain file name
     */
    private static @Nullable Entry entry(String key, JsonParser json, int[] skipped) throws IOException {
        String sessionId = null;
        String sessionFile = null;
        String status = null;
        String chatType = null;
        long updatedAt = 0;
        long endedAt = 0;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            boolean numeric = field.equals("updatedAt") || field.equals("endedAt");
            boolean known = numeric || field.equals("sessionId") || field.equals("sessionFile") || field.equals("status")
                    || field.equals("chatType");
            if (known && value != JsonToken.VALUE_NULL && (numeric ? !value.isNumeric() : value != JsonToken.VALUE_STRING)) {
                skipped[0]++;
                json.skipChildren();
                continue;
            }
            String text = value == JsonToken.VALUE_STRING ? json.getText() : null;
            switch (field) {
                case "sessionId" -> sessionId = text;
                case "sessionFile" -> sessionFile = text;
                case "status" -> status = text;
                case "chatType" -> chatType = text;
                case "updatedAt" -> updatedAt = number(json, value);
                case "endedAt" -> endedAt = number(json, value);
                default -> {
                    // not read
                }
            }
            json.skipChildren();
        }
        if (sessionId == null || !isFileName(sessionId)) {
            return null;
        }
        String file = baseName(sessionFile);
        return new Entry(key, sessionId, updatedAt, file != null && SessionDir.isTranscript(file) ? file : null, status,
                endedAt, chatType);
    }

    /** A whole number as a long (huge ones saturate, to be clamped as timestamps from the future); else 0. */
    private static long number(JsonParser json, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            return json.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? (json.getBigIntegerValue().signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : json.getLongValue();
        }
        return value == JsonToken.VALUE_NUMBER_FLOAT ? (long) json.getDoubleValue() : 0;
    }

    /** A plain file name: not empty, no path separator or NUL, not {@code .} or {@code ..}, not absurdly long. */
    static boolean isFileName(String name) {
        return !name.isEmpty() && name.length() <= 200 && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf('\0') < 0;
    }

    /** The gateway's absolute path may not exist here (a container mounts the state dir elsewhere): keep the name. */
    private static @Nullable String baseName(@Nullable String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return isFileName(name) ? name : null;
    }
}
