package org.openclaw.sessionstatus.source.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.source.LastMessage;
import org.openclaw.sessionstatus.model.Phase;

class TranscriptTailTest {
    static final String HEADER = "{\"type\":\"session\",\"version\":3,\"id\":\"s1\",\"timestamp\":\"2026-11-22T04:04:24.396Z\",\"cwd\":\"/w\"}\n";

    final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
    final Path file = fs.getPath("/s1.jsonl");

    @AfterEach
    void close() throws IOException {
        fs.close();
    }

    static String message(String role, String stopReason, String timestamp, String content) {
        return "{\"type\":\"message\",\"id\":\"a\",\"parentId\":null,\"timestamp\":\"" + timestamp + "\",\"message\":{\"role\":\""
                + role + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + content + "\"}]"
                + (stopReason == null ? "" : ",\"stopReason\":\"" + stopReason + "\"") + "}}\n";
    }

    static String custom(String customType) {
        return "{\"type\":\"custom\",\"customType\":\"" + customType + "\",\"data\":{},\"id\":\"c\",\"parentId\":\"a\",\"timestamp\":\"2026-11-22T04:06:15.520Z\"}\n";
    }

    LastMessage.Result tail(String content) throws IOException {
        Files.writeString(file, content);
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            return TranscriptTail.read(channel);
        }
    }

    @Test
    void thePhaseFollowsTheLastMessage() throws IOException {
        String ts = "2026-11-22T04:04:24.617Z";
        assertEquals(Phase.AWAITING_MODEL, tail(HEADER + message("user", null, ts, "hi")).phase());
        assertEquals(Phase.AWAITING_MODEL, tail(HEADER + message("toolResult", null, ts, "ok")).phase());
        assertEquals(Phase.IN_TOOL_CALL, tail(HEADER + message("assistant", "toolUse", ts, "")).phase());
        assertEquals(Phase.FINISHED, tail(HEADER + message("assistant", "stop", ts, "done")).phase());
        assertEquals(Phase.FINISHED, tail(HEADER + message("assistant", "length", ts, "done")).phase());
        assertEquals(Phase.FAILED, tail(HEADER + message("assistant", "error", ts, "")).phase());
        assertEquals(Phase.FAILED, tail(HEADER + message("assistant", "aborted", ts, "")).phase());
        assertEquals(Phase.UNKNOWN, tail(HEADER).phase());
        assertEquals(Phase.UNKNOWN, tail("").phase());
        assertEquals(Instant.parse(ts).toEpochMilli(), tail(HEADER + message("user", null, ts, "hi")).lastMessageAtMs());
    }

    @Test
    void linesAfterTheLastMessageDoNotHideIt() throws IOException {
        String ts = "2026-11-22T04:05:37.942Z";
        assertEquals(Phase.FINISHED,
                tail(HEADER + message("assistant", "stop", ts, "x") + custom("openclaw:bootstrap-context:full")).phase());
    }

    @Test
    void aPromptErrorAfterAToolCallEndsTheRun() throws IOException {
        String ts = "2026-11-22T04:06:11.325Z";
        assertEquals(Phase.FAILED,
                tail(HEADER + message("assistant", "toolUse", ts, "") + custom("openclaw:prompt-error")).phase());
    }

    @Test
    void aLastLineStillBeingWrittenIsSkipped() throws IOException {
        String ts = "2026-11-22T04:04:24.617Z";
        String partial = message("assistant", "stop", ts, "done");
        LastMessage.Result result = tail(HEADER + message("assistant", "toolUse", ts, "")
                + partial.substring(0, partial.length() / 2));
        assertEquals(Phase.IN_TOOL_CALL, result.phase());
    }

    @Test
    void aLongLastLineIsFoundByWideningTheWindow() throws IOException {
        String ts = "2026-11-22T04:04:44.896Z";
        String big = "x".repeat(300_000);
        assertEquals(Phase.AWAITING_MODEL,
                tail(HEADER + message("assistant", "toolUse", ts, "") + message("toolResult", null, ts, big)).phase());
    }

    @Test
    void aLineLongerThanTheLargestWindowIsUnknownNotAGuess() throws IOException {
        String ts = "2026-11-22T04:04:44.896Z";
        String huge = "x".repeat(TranscriptTail.MAX_WINDOW + 10);
        assertEquals(Phase.UNKNOWN,
                tail(HEADER + message("assistant", "toolUse", ts, "") + message("toolResult", null, ts, huge)).phase());
    }

    @Test
    void readsAFixedNumberOfBytesWhateverTheFileSize() throws IOException {
        String ts = "2026-11-22T04:04:24.617Z";
        String filler = message("toolResult", null, ts, "y".repeat(1000));
        try (SeekableByteChannel out = Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(HEADER.getBytes(StandardCharsets.UTF_8)));
            byte[] line = filler.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 20_000; i++) {
                out.write(ByteBuffer.wrap(line));
            }
            out.write(ByteBuffer.wrap(message("assistant", "toolUse", ts, "").getBytes(StandardCharsets.UTF_8)));
        }
        assertTrue(Files.size(file) > 20_000_000);
        try (CountingChannel channel = new CountingChannel(Files.newByteChannel(file))) {
            assertEquals(Phase.IN_TOOL_CALL, TranscriptTail.read(channel).phase());
            assertTrue(channel.bytesRead <= TranscriptTail.FIRST_WINDOW, "read " + channel.bytesRead + " bytes");
        }
    }

    /** Counts the bytes a reader takes from a channel. */
    static final class CountingChannel implements SeekableByteChannel {
        final SeekableByteChannel delegate;
        long bytesRead;

        CountingChannel(SeekableByteChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = delegate.read(dst);
            bytesRead += Math.max(n, 0);
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return delegate.write(src);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return delegate.isOpen();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
