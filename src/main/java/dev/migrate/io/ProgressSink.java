package dev.migrate.io;

import java.io.PrintWriter;

/**
 * What a runner (deploy, apply, the waits, retire, restore) tells the operator while it works,
 * kept apart from what it returns. The runner never picks a stream: the command binds this to its
 * writers in text mode, or drops the story under -o json, where stdout must hold only the result
 * document.
 */
public interface ProgressSink {
    /** A line of the run's story: the plan, a check, an object applied, an action done. */
    void line(String text);

    /**
     * A line while something is waited for, so a long wait never looks like a hang. It goes to
     * stderr, and still does under -o json: stdout keeps the document, the terminal keeps the heartbeat.
     */
    void waiting(String text);

    /**
     * Something the operator must know whatever the output (a damaged line in a journal that the run
     * works around). Like waiting lines it goes to stderr, under -o json too.
     */
    void warning(String text);

    /** Drops everything: for tests and callers that only want the result. */
    ProgressSink NONE = of(null, null);

    /** Story lines to {@code out}, waiting lines and warnings to {@code err}; a null writer drops those lines. */
    static ProgressSink of(PrintWriter out, PrintWriter err) {
        return new ProgressSink() {
            @Override
            public void line(String text) {
                if (out != null) {
                    out.println(text);
                    out.flush();
                }
            }

            @Override
            public void waiting(String text) {
                toErr(text);
            }

            @Override
            public void warning(String text) {
                toErr(text);
            }

            private void toErr(String text) {
                if (err != null) {
                    err.println(text);
                    err.flush();
                }
            }
        };
    }
}
