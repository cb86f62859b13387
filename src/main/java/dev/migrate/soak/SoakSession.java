package dev.migrate.soak;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * The soak's life cycle in the state directory: start a journal, resume it (same settings and
 * checks only), archive it on --restart, and at the end record the verdict in the ledger.
 * Files: {@code <state-dir>/soak/journal.jsonl} (0600), archived ones beside it, reports in
 * {@code <state-dir>/soak/report.*}.
 */
public final class SoakSession {
    public static final String DIR = "soak";
    public static final String JOURNAL = "journal.jsonl";
    public static final String STEP = "soak";

    private final Ledger ledger;

    public SoakSession(Ledger ledger) {
        this.ledger = ledger;
    }

    public Ledger ledger() {
        return ledger;
    }

    public Path dir() {
        return ledger.subdir(DIR);
    }

    public Path journalFile() {
        return ledger.dir().resolve(DIR).resolve(JOURNAL);
    }

    public enum Mode { NEW, RESUMED, FINISHED }

    /**
     * @param journal open for appending (null when the soak had already finished)
     * @param state   replayed from the journal
     * @param mode    what happened
     */
    public record Opened(Journal journal, SoakState state, Mode mode) {
    }

    /** What the soak is asked to prove, compared against a journal's header before resuming. */
    public record Wanted(AnalysisCatalogue catalogue, String settingsDigest, Duration duration, Duration interval,
                         Duration maxGap) {
    }

    public Opened open(Wanted w, Instant now, boolean restart, Consumer<String> warn, Consumer<String> echo) {
        Path file = journalFile();
        if (restart && Files.exists(file)) {
            Journal.ensureIdle(file); // never archive a journal a live soak is still writing
            Path archived = archive(file);
            warn.accept("soak: archived the previous journal as " + archived);
        }
        SoakState state = new SoakState(w.catalogue());
        if (Files.exists(file) && Journal.holdsNothing(file)) {
            Journal.ensureIdle(file);
            warn.accept("soak: " + file + " holds no whole record (the last run stopped while starting); starting afresh");
            try {
                Files.delete(file);
            } catch (IOException e) {
                throw new UserError("cannot replace the empty soak journal " + file + " (" + e.getMessage() + "); remove it by hand");
            }
        }
        if (Files.exists(file)) {
            Journal.Contents contents = Journal.read(file, state, warn);
            JournalHeader h = contents.header();
            if (!h.settingsDigest().equals(w.settingsDigest())) {
                throw refuse(file, "settings " + h.settingsDigest() + " (now " + w.settingsDigest() + ")");
            }
            if (!h.catalogueDigest().equals(w.catalogue().digest())) {
                throw refuse(file, "checks " + h.catalogue() + " " + h.catalogueDigest() + " (now "
                        + w.catalogue().origin() + " " + w.catalogue().digest() + ")");
            }
            if (contents.finished()) {
                return new Opened(null, state, Mode.FINISHED);
            }
            return new Opened(Journal.resume(file, contents, echo), state, Mode.RESUMED);
        }
        dir();
        JournalHeader header = JournalHeader.of(w.settingsDigest(), w.catalogue(), now, w.duration(), w.interval(), w.maxGap());
        Journal journal = Journal.create(file, header, echo);
        state.header(header);
        return new Opened(journal, state, Mode.NEW);
    }

    /** Reads the journal without opening it for writing (for --report). */
    public SoakState read(AnalysisCatalogue catalogue, Consumer<String> warn) {
        Path file = journalFile();
        if (!Files.exists(file)) {
            throw new UserError("no soak journal at " + file + "; start a soak with 'migrate soak' (or check --state-dir)");
        }
        SoakState state = new SoakState(catalogue);
        Journal.read(file, state, warn);
        return state;
    }

    /** Writes the end record (unless stopped) and the ledger record. */
    public StepRecord record(Opened o, SoakState.Verdict v, SoakRunner.Ending ending, Instant now, String reportPath) {
        SoakState s = o.state();
        String outcome;
        if (ending == SoakRunner.Ending.STOPPED) {
            outcome = StepRecord.INTERRUPTED;
        } else {
            outcome = v.outcome().label();
            o.journal().write(new EndRecord(EndRecord.TYPE, now, outcome, v.summary()));
        }
        return append(s, v, outcome, now, ending == SoakRunner.Ending.STOPPED ? "interrupted; " : "", reportPath,
                journalFile());
    }

    /** The ledger record of a soak's verdict; {@code details} carry what retire checks (durationSeconds ...). */
    public StepRecord append(SoakState s, SoakState.Verdict v, String outcome, Instant at, String summaryPrefix,
                             String reportPath, Path journal) {
        StepRecord rec = new StepRecord(STEP, s.header().started(), at, s.header().settingsDigest(), outcome,
                summaryPrefix + v.summary(), reportPath, s.details(v, journal.toString()));
        ledger.append(rec);
        return rec;
    }

    private static UserError refuse(Path file, String what) {
        return new UserError(ExitCodes.REFUSED, "the soak journal " + file + " belongs to a soak with other " + what
                + "; resume it with the same settings, or start over with 'migrate soak --restart' (archives the old journal)");
    }

    private static Path archive(Path file) {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        Path target = file.resolveSibling("journal-" + stamp + ".jsonl");
        try {
            return Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserError("cannot archive the old soak journal " + file + " (" + e.getMessage()
                    + "); move it away by hand, then run 'migrate soak' again");
        }
    }
}
