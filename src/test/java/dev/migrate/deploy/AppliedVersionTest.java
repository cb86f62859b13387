package dev.migrate.deploy;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.cluster.Homelab;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How an apply's answer is judged against what the last deploy recorded, on answers shaped as
 * kube-apiserver 1.35 gives them (the real server's behaviour is in DeployNoopRequestsTest).
 */
class AppliedVersionTest {
    static final Instant CHANGED = Instant.parse("2026-12-07T06:00:00Z");
    static final ManifestObject CONFIG = Homelab.bundle().objects().get(0);

    static Map<String, Object> answer(String uid, String rv, String applyTime, String created) {
        return Map.of("metadata", Map.of("uid", uid, "resourceVersion", rv, "creationTimestamp", created,
                "managedFields", List.of(
                        Map.of("manager", "kube-controller-manager", "operation", "Update", "subresource", "status",
                                "time", "2026-12-07T06:05:00Z"),
                        Map.of("manager", "migrate", "operation", "Apply", "time", applyTime))));
    }

    final AppliedVersion last = AppliedVersion.of(CONFIG.digest(), answer("u1", "100", "2026-12-07T05:59:58Z",
            "2026-12-07T05:00:00Z"), CHANGED);

    @Test
    void theSameVersionOrOnlyOthersWritingSinceIsUnchanged() {
        assertEquals(ObjectChange.Action.UNCHANGED, last.judge("x", answer("u1", "100", "2026-12-07T05:59:58Z",
                "2026-12-07T05:00:00Z")).action());
        // A controller wrote the status since: a new resourceVersion, migrate's stamp as it was.
        assertEquals(ObjectChange.Action.UNCHANGED, last.judge("x", answer("u1", "180", "2026-12-07T05:59:58Z",
                "2026-12-07T05:00:00Z")).action());
    }

    @Test
    void aMovedStampIsAWriteByThisApplyAndSaysTheStateBeforeWasNotRead() {
        ObjectChange c = last.judge("x", answer("u1", "181", "2026-12-07T06:10:00Z", "2026-12-07T05:00:00Z"));
        assertEquals(ObjectChange.Action.CONFIGURED, c.action());
        assertEquals(List.of(AppliedVersion.WRITTEN_AGAIN), c.diff());
    }

    @Test
    void anotherUidIsAnObjectDeletedSinceCreatedByThisApplyOrBySomeoneElse() {
        assertEquals(ObjectChange.Action.CREATED, last.judge("x", answer("u2", "200", "2026-12-07T06:10:01Z",
                "2026-12-07T06:10:00Z")).action());
        assertEquals(ObjectChange.Action.CONFIGURED, last.judge("x", answer("u2", "200", "2026-12-07T06:10:01Z",
                "2026-12-07T06:02:00Z")).action());
    }

    @Test
    void onlyTheSameContentChangedLongEnoughAgoIsJudgedFromTheAnswer() {
        assertTrue(last.judges(CONFIG, CHANGED.plus(AppliedVersion.SETTLE)));
        assertFalse(last.judges(CONFIG, CHANGED.plus(AppliedVersion.SETTLE).minusMillis(1)), "the stamp's second may not be over");
        assertFalse(last.judges(Homelab.bundle().objects().get(1), CHANGED.plusSeconds(60)), "other content is read first");
    }

    @Test
    void theLedgerFormRoundTripsAndAnUnreadableEntryIsLeftOut() {
        Map<String, AppliedVersion> versions = Map.of(CONFIG.id(), last);
        assertEquals(versions, AppliedVersion.parse(AppliedVersion.format(versions)));
        assertEquals(Map.of(), AppliedVersion.parse(CONFIG.id() + "=sha256:ab;u1;100;t;yesterday"));
        assertEquals(Map.of(), AppliedVersion.parse(""));
        assertEquals(Map.of(), AppliedVersion.parse("garbage"));
    }

    @Test
    void aDeployKeepsWhenAnUnchangedObjectLastChangedAndStampsWhatItChanged() {
        Instant end = CHANGED.plusSeconds(600);
        ObjectChange unchanged = new ObjectChange(CONFIG.id(), ObjectChange.Action.UNCHANGED, List.of(),
                answer("u1", "180", "2026-12-07T05:59:58Z", "2026-12-07T05:00:00Z"));
        assertEquals(CHANGED, AppliedVersion.after(List.of(CONFIG), Map.of(CONFIG.id(), last), List.of(unchanged), end)
                .get(CONFIG.id()).changedBy());
        ObjectChange configured = new ObjectChange(CONFIG.id(), ObjectChange.Action.CONFIGURED, List.of(),
                answer("u1", "181", "2026-12-07T06:10:00Z", "2026-12-07T05:00:00Z"));
        AppliedVersion now = AppliedVersion.after(List.of(CONFIG), Map.of(CONFIG.id(), last), List.of(configured), end)
                .get(CONFIG.id());
        assertEquals(end, now.changedBy());
        assertEquals("2026-12-07T06:10:00Z", now.applyTime());
        assertEquals(last, AppliedVersion.after(List.of(CONFIG), Map.of(CONFIG.id(), last), List.of(), end).get(CONFIG.id()),
                "an object this deploy did not reach keeps what the last one recorded");
    }
}
