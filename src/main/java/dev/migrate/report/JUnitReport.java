package dev.migrate.report;

import dev.migrate.checks.CheckResult;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;

/**
 * JUnit XML (the de-facto Ant/Surefire schema CI systems read): one testsuite per run, one testcase
 * per check. fail = {@code <failure>}; skipped = {@code <skipped>}; inconclusive = {@code <skipped>}
 * whose message starts with "inconclusive:" (JUnit has no third state, and it is not a failure).
 */
public final class JUnitReport {
    /** In the first bytes of every JUnit report this writes: how {@link ReportWriter} knows a file is ours. */
    public static final String MARKER = "<testsuite name=\"migrate ";

    private JUnitReport() {
    }

    public static String render(RunReport report) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            Map<String, Integer> counts = report.counts();
            x.writeStartElement("testsuite");
            x.writeAttribute("name", "migrate " + report.step());
            x.writeAttribute("tests", Integer.toString(report.results().size()));
            x.writeAttribute("failures", Integer.toString(counts.get("fail")));
            x.writeAttribute("errors", "0");
            x.writeAttribute("skipped", Integer.toString(counts.get("skipped") + counts.get("inconclusive")));
            x.writeAttribute("time", seconds(report.elapsed().toMillis()));
            x.writeAttribute("timestamp", report.startedAt().toString());
            for (CheckResult r : report.results()) {
                x.writeCharacters("\n  ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", "migrate." + report.step());
                x.writeAttribute("name", r.name());
                x.writeAttribute("time", seconds(r.elapsed().toMillis()));
                switch (r.status()) {
                    case FAIL -> {
                        x.writeStartElement("failure");
                        x.writeAttribute("message", r.cause());
                        x.writeCharacters("observed: " + r.observed() + "\ncause: " + r.cause() + "\nfix: " + r.fix());
                        x.writeEndElement();
                    }
                    case INCONCLUSIVE -> {
                        x.writeEmptyElement("skipped");
                        x.writeAttribute("message", "inconclusive: " + r.cause() + " (fix: " + r.fix() + ")");
                    }
                    case SKIPPED -> {
                        x.writeEmptyElement("skipped");
                        x.writeAttribute("message", r.cause());
                    }
                    case PASS -> {
                    }
                }
                if (!r.observed().isEmpty()) {
                    x.writeStartElement("system-out");
                    x.writeCharacters(r.observed());
                    x.writeEndElement();
                }
                x.writeEndElement();
            }
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }
}
