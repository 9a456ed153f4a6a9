package org.openclaw.sessionstatus.source.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.source.LastMessage;

/**
 * Reads the phase of a transcript's last message from its tail (docs/design.md §5). It reads {@value #FIRST_WINDOW}
 * bytes from the end and, only while no whole message line is in view (a long tool result), widens up to
 * {@value #MAX_WINDOW} bytes: the cost is bounded whatever the file's size. A last line still being written is
 * skipped as unparseable.
 */
final class TranscriptTail {
    static final int FIRST_WINDOW = 64 * 1024;
    static final int MAX_WINDOW = 1024 * 1024;

    private TranscriptTail() {
    }

    static LastMessage.Result read(SeekableByteChannel channel) throws IOException {
        long size = channel.size();
        int window = (int) Math.min(size, FIRST_WINDOW);
        while (window > 0) {
            byte[] bytes = readLast(channel, size, window);
            LastMessage.Result result = lastMessage(bytes, window < size);
            if (result != null) {
                return result;
            }
            if (window == size || window >= MAX_WINDOW) {
                break;
            }
            window = (int) Math.min(size, Math.min((long) window * 4, MAX_WINDOW));
        }
        return LastMessage.Result.UNKNOWN;
    }

    private static byte[] readLast(SeekableByteChannel channel, long size, int window) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(window);
        channel.position(size - window);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // keep reading: a channel may return fewer bytes than asked
        }
        buffer.flip();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /**
     * Scans lines from the last to the first. Returns null when no message line is in view and more of the file
     * lies before the window (the caller widens it).
     *
     * @param cutAtStart the window starts inside the file: its first line is a fragment and is not parsed
     */
    private static LastMessage.@Nullable Result lastMessage(byte[] bytes, boolean cutAtStart) {
        LastMessage lines = new LastMessage();
        int end = bytes.length;
        while (end > 0) {
            int start = end - 1;
            while (start >= 0 && bytes[start] != '\n') {
                start--;
            }
            if (start < 0 && cutAtStart) {
                return null;
            }
            LastMessage.Result result = lines.older(bytes, start + 1, end);
            if (result != null) {
                return result;
            }
            end = Math.max(start, 0);
        }
        return cutAtStart ? null : LastMessage.Result.UNKNOWN;
    }
}
