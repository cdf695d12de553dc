package org.switchover.tracker.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.switchover.support.DurableFiles;

/**
 * The tracker's CSV log and journal, under {@code ${data.dir}/tracker/journal}: one file per ISO week (UTC),
 * {@code tracker-2026-W49.csv}, each line one {@link Row} ({@link RowCodec}). Appends are forced to disk before
 * {@link #append} returns. The journal is rotated, not overwritten: a new file each week; files older than
 * {@link #KEEP_WEEKS} weeks are deleted once drained (on a backup, whose rows the primary logs, also when not).
 *
 * <p>The drained position ({@code drained}, replaced atomically) says up to where the rows reached the database; the
 * rows after it are the backlog. A line is read only once its line end is on disk, so a line being written, or torn by
 * a crash, is never taken for a row; a torn tail is closed with a line end at the next open and then reported as
 * malformed and skipped. Not thread-safe for writers: one thread appends; {@link #read} may run on another.
 *
 * <p>The own position ({@code own}, replaced atomically) says up to where the journal holds rows this node wrote while
 * it was primary or leaving that role: the rows it owes the database whatever its role is now. {@code open} while it
 * is primary (every row appended belongs to it); a node that dies meanwhile closes it at the journal's end when it
 * starts again, so that what it journalled as primary before a kill -9 still reaches the database although it comes
 * back as backup. The rows a backup journals after that position (from the shadows) wait until it is primary.
 */
final class CsvJournal implements AutoCloseable {

    /** Weeks a journal file is kept after its week ended. */
    static final int KEEP_WEEKS = 5;
    private static final Pattern NAME = Pattern.compile("tracker-\\d{4}-W\\d{2}\\.csv");
    private static final String DRAINED = "drained";
    private static final String OWN = "own";
    private static final String OPEN = "open";

    /** A place in the journal: a file's name and a byte offset in it; {@link #START} before every file. */
    record Position(String file, long offset) implements Comparable<Position> {
        static final Position START = new Position("", 0);

        /** Journal order: by file (week) name, then offset; {@link #START} first. */
        @Override
        public int compareTo(Position o) {
            int c = file.compareTo(o.file);
            return c != 0 ? c : Long.compare(offset, o.offset);
        }
    }

    /** What one {@link #read} found: rows in order, the position after them, and malformed lines skipped. */
    record Batch(List<Row> rows, Position next, List<String> malformed) {
    }

    private final Path dir;
    private final Consumer<String> warn;
    private FileChannel out;
    private String outName;
    private volatile Position drained;
    /** Up to where the rows are this node's own (see the class comment); null while open. */
    private volatile Position own;

    /**
     * @param dir the journal's directory (created when missing)
     * @param warn receives a sentence for each problem found in the files (a torn tail closed)
     */
    CsvJournal(Path dir, Consumer<String> warn) throws IOException {
        this.dir = dir;
        this.warn = warn;
        Files.createDirectories(dir);
        this.drained = readDrained();
        this.own = readOwn();
    }

    /** @return the name of the file of the week of {@code millis} */
    static String fileFor(long millis) {
        ZonedDateTime t = Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
        return String.format("tracker-%04d-W%02d.csv", t.get(IsoFields.WEEK_BASED_YEAR),
                t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    Path dir() {
        return dir;
    }

    /** Appends the rows to the file of {@code nowMillis}'s week and forces them to disk. */
    void append(List<Row> rows, long nowMillis) throws IOException {
        if (rows.isEmpty()) {
            return;
        }
        String name = fileFor(nowMillis);
        if (!name.equals(outName)) {
            openForAppend(name);
        }
        StringBuilder b = new StringBuilder(rows.size() * 96);
        for (Row r : rows) {
            b.append(RowCodec.encode(r)).append('\n');
        }
        ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        out.force(false);
    }

    private void openForAppend(String name) throws IOException {
        closeOut();
        Path f = dir.resolve(name);
        boolean created = !Files.exists(f);
        // one writer: the channel's position stays at the end (APPEND would make the tail unreadable here)
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long size = ch.size();
        ch.position(size);
        if (size > 0) {
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            if (last.get(0) != '\n') {
                warn.accept("tracker journal " + f + " ends in a torn line (a crash while writing); it is closed"
                        + " and will be reported as malformed");
                ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
                ch.force(false);
            }
        }
        out = ch;
        outName = name;
        if (created) {
            DurableFiles.syncDirectory(dir);
        }
    }

    /**
     * Reads complete lines after {@code from}, at most {@code max} rows (malformed lines are skipped and named).
     *
     * @return the rows and the position after the last line read
     */
    Batch read(Position from, int max) throws IOException {
        return read(from, max, null);
    }

    /**
     * Reads complete lines after {@code from} and before {@code limit} (null: no limit), at most {@code max} rows.
     *
     * @return the rows and the position after the last line read
     */
    Batch read(Position from, int max, Position limit) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        Position p = from;
        for (String name : files()) {
            if (!p.file().isEmpty() && name.compareTo(p.file()) < 0) {
                continue;
            }
            if (limit != null && name.compareTo(limit.file()) > 0) {
                break;
            }
            long offset = name.equals(p.file()) ? p.offset() : 0;
            long end = limit != null && name.equals(limit.file()) ? limit.offset() : Long.MAX_VALUE;
            offset = readFile(name, offset, end, max - rows.size(), rows, bad);
            p = new Position(name, offset);
            if (rows.size() >= max) {
                break;
            }
        }
        return new Batch(rows, p, bad);
    }

    private long readFile(String name, long offset, long end, int max, List<Row> rows, List<String> bad)
            throws IOException {
        byte[] all;
        try (FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.READ)) {
            long size = Math.min(ch.size(), end);
            if (offset >= size) {
                return offset;
            }
            long want = Math.min(size - offset, 4L << 20);
            ByteBuffer buf = ByteBuffer.allocate((int) want);
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                // fill
            }
            all = java.util.Arrays.copyOf(buf.array(), buf.position());
        }
        int start = 0;
        int taken = 0;
        for (int k = 0; k < all.length && taken < max; k++) {
            if (all[k] != '\n') {
                continue;
            }
            String line = new String(all, start, k - start, StandardCharsets.UTF_8);
            long lineOffset = offset + start;
            start = k + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                rows.add(RowCodec.decode(line));
                taken++;
            } catch (IllegalArgumentException e) {
                bad.add(name + " at byte " + lineOffset + ": " + e.getMessage());
            }
        }
        if (start == 0 && all.length >= RowCodec.MAX_LINE && taken == 0 && bad.isEmpty()) {
            bad.add(name + " at byte " + offset + ": no line end within " + all.length + " bytes; the rest of the"
                    + " file is skipped");
            return offset + all.length;
        }
        return offset + start;
    }

    /** @return the journal files, oldest first */
    List<String> files() throws IOException {
        TreeSet<String> names = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                String n = f.getFileName().toString();
                if (NAME.matcher(n).matches()) {
                    names.add(n);
                }
            }
        }
        return new ArrayList<>(names);
    }

    /** @return the bytes after {@code from} (the backlog when {@code from} is the drained position) */
    long bytesAfter(Position from) throws IOException {
        long n = 0;
        for (String name : files()) {
            if (!from.file().isEmpty() && name.compareTo(from.file()) < 0) {
                continue;
            }
            long size = Files.size(dir.resolve(name));
            n += name.equals(from.file()) ? Math.max(0, size - from.offset()) : size;
        }
        return n;
    }

    /**
     * @return the rows (complete lines that are not comments) after {@code from}: the backlog in rows when
     *     {@code from} is the drained position. Reads the files after {@code from} in 64 KiB pieces.
     */
    long rowsAfter(Position from) throws IOException {
        long rows = 0;
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        for (String name : files()) {
            if (!from.file().isEmpty() && name.compareTo(from.file()) < 0) {
                continue;
            }
            long offset = name.equals(from.file()) ? from.offset() : 0;
            try (FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.READ)) {
                boolean lineStart = true;
                boolean comment = false;
                boolean empty = true;
                long pos = offset;
                int n;
                buf.clear();
                while ((n = ch.read(buf, pos)) > 0) {
                    byte[] a = buf.array();
                    for (int k = 0; k < n; k++) {
                        byte c = a[k];
                        if (lineStart) {
                            comment = c == '#';
                            empty = c == '\n';
                            lineStart = false;
                        }
                        if (c == '\n') {
                            if (!comment && !empty) {
                                rows++;
                            }
                            lineStart = true;
                        }
                    }
                    pos += n;
                    buf.clear();
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // rotated out meanwhile: nothing left of it
            }
        }
        return rows;
    }

    /** @return the position up to which rows reached the database */
    Position drained() {
        return drained;
    }

    /** Records durably that the rows up to {@code p} reached the database. */
    void drained(Position p) throws IOException {
        DurableFiles.write(dir.resolve(DRAINED), (p.file() + " " + p.offset() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        drained = p;
    }

    /** @return the position after the last complete line of the newest file ({@link Position#START} when none) */
    Position end() throws IOException {
        List<String> names = files();
        if (names.isEmpty()) {
            return Position.START;
        }
        String last = names.get(names.size() - 1);
        try (FileChannel ch = FileChannel.open(dir.resolve(last), StandardOpenOption.READ)) {
            long size = ch.size();
            // a torn tail (a crash while writing) is not a row: stop after the last line end
            ByteBuffer buf = ByteBuffer.allocate(1);
            long end = size;
            while (end > 0) {
                buf.clear();
                ch.read(buf, end - 1);
                if (buf.get(0) == '\n') {
                    break;
                }
                end--;
            }
            return new Position(last, end);
        }
    }

    /** @return up to where the rows are this node's own, null while this node is primary ({@code open}) */
    Position own() {
        return own;
    }

    /** Records durably that every row appended from now on is this node's own (it is primary). */
    void ownOpen() throws IOException {
        if (own == null) {
            return;
        }
        DurableFiles.write(dir.resolve(OWN), (OPEN + "\n").getBytes(StandardCharsets.UTF_8));
        own = null;
    }

    /** Records durably that this node's own rows end at {@code p} (the rows appended after it are a backup's). */
    void ownUpTo(Position p) throws IOException {
        DurableFiles.write(dir.resolve(OWN), (p.file() + " " + p.offset() + "\n").getBytes(StandardCharsets.UTF_8));
        own = p;
    }

    /**
     * @return the own position as recorded; when the node died while it was open, the journal's end now (nothing was
     *     appended since) is recorded as its end
     */
    private Position readOwn() throws IOException {
        Path f = dir.resolve(OWN);
        if (!Files.exists(f)) {
            return Position.START;
        }
        String t = Files.readString(f, StandardCharsets.UTF_8).trim();
        if (t.equals(OPEN)) {
            return ownAtStart(end());
        }
        Position p = parse(t);
        if (p != null) {
            return p;
        }
        Position end = end();
        warn.accept("tracker journal: " + f + " is unreadable ('" + (t.length() > 80 ? t.substring(0, 80) : t)
                + "'); every row of the journal is taken as this node's own and written to the database (the"
                + " writes are idempotent)");
        return ownAtStart(end);
    }

    /**
     * Records at start-up that the own rows end at {@code end}. A disk that refuses the write (full) does not keep the
     * tracker from starting: the position is kept in memory and written at the next role change; a node that dies
     * before that takes the rows appended meanwhile as its own too, and writes them again (idempotent).
     */
    private Position ownAtStart(Position end) {
        try {
            ownUpTo(end);
        } catch (IOException e) {
            warn.accept("tracker journal: could not record in " + dir.resolve(OWN) + " that this node's own rows end at "
                    + end.file() + " " + end.offset() + " (" + e + "); kept in memory and recorded at the next role"
                    + " change");
            own = end;
        }
        return end;
    }

    /** @return the position written as {@code <file> <offset>}, null when {@code t} is not one */
    private static Position parse(String t) {
        String[] parts = t.split(" ");
        try {
            if (parts.length == 2 && NAME.matcher(parts[0]).matches()) {
                long off = Long.parseLong(parts[1]);
                if (off >= 0) {
                    return new Position(parts[0], off);
                }
            }
        } catch (NumberFormatException e) {
            // not a position
        }
        return null;
    }

    private Position readDrained() throws IOException {
        Path f = dir.resolve(DRAINED);
        if (!Files.exists(f)) {
            return Position.START;
        }
        String t = Files.readString(f, StandardCharsets.UTF_8).trim();
        Position p = parse(t);
        if (p != null) {
            return p;
        }
        warn.accept("tracker journal: " + f + " is unreadable ('" + (t.length() > 80 ? t.substring(0, 80) : t)
                + "'); every row of the journal is written again (the writes are idempotent)");
        return Position.START;
    }

    /**
     * Deletes the files of weeks that ended more than {@link #KEEP_WEEKS} weeks before {@code nowMillis}: those
     * before the drained position, and on a backup every one of them (the primary logged those rows).
     *
     * @return the names deleted
     */
    List<String> rotate(long nowMillis, boolean backup) throws IOException {
        String oldestKept = fileFor(nowMillis - KEEP_WEEKS * 7L * 86_400_000L);
        List<String> deleted = new ArrayList<>();
        for (String name : files()) {
            if (name.compareTo(oldestKept) >= 0 || name.equals(outName)) {
                break;
            }
            boolean isDrained = !drained.file().isEmpty() && name.compareTo(drained.file()) < 0;
            Position o = own;
            // a backup deletes its shadows' rows undrained (the primary logged them), never its own
            boolean owesRows = o == null || name.compareTo(o.file()) <= 0 && drained.compareTo(o) < 0;
            if (!isDrained && (!backup || owesRows)) {
                break;
            }
            Files.delete(dir.resolve(name));
            deleted.add(name);
        }
        return deleted;
    }

    private void closeOut() throws IOException {
        if (out != null) {
            out.close();
            out = null;
            outName = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeOut();
    }
}
