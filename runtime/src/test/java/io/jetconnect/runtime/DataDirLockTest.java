package io.jetconnect.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

    @TempDir
    Path work;

    private static String pidIn(Path dataDir) throws Exception {
        return Files.readString(dataDir.resolve(".lock"), StandardCharsets.US_ASCII).trim();
    }

    @Test
    void theHolderWritesItsPidIntoTheLockFileInsideDataDir() throws Exception {
        Path dataDir = work.resolve("not/yet/there");
        try (DataDirLock lock = DataDirLock.acquire(dataDir)) {
            assertEquals(Long.toString(ProcessHandle.current().pid()), pidIn(dataDir));
        }
    }

    @Test
    void aSecondAcquireWhileHeldIsRefusedNamingTheLockFileAndThePid() {
        Path dataDir = work.resolve("data");
        try (DataDirLock held = DataDirLock.acquire(dataDir)) {
            DataDirLock.InUse refused = assertThrows(DataDirLock.InUse.class, () -> DataDirLock.acquire(dataDir));
            assertEquals(dataDir.resolve(".lock"), refused.lockFile());
            assertEquals(Optional.of(ProcessHandle.current().pid()), refused.pid());
            assertTrue(refused.getMessage().contains(dataDir.resolve(".lock").toString()), refused.getMessage());
            assertTrue(refused.getMessage().contains("pid " + ProcessHandle.current().pid()), refused.getMessage());
            assertTrue(refused.getMessage().contains("jetconnect.data-dir"), refused.getMessage());
        }
    }

    @Test
    void aRefusedAcquireLeavesTheHoldersLockAndPidInPlace() throws Exception {
        Path dataDir = work.resolve("data");
        try (DataDirLock held = DataDirLock.acquire(dataDir)) {
            assertThrows(DataDirLock.InUse.class, () -> DataDirLock.acquire(dataDir));
            assertThrows(DataDirLock.InUse.class, () -> DataDirLock.acquire(dataDir), "still held after a refusal");
            assertEquals(Long.toString(ProcessHandle.current().pid()), pidIn(dataDir));
        }
    }

    @Test
    void aReleasedLockCanBeTakenAgain() throws Exception {
        Path dataDir = work.resolve("data");
        DataDirLock.acquire(dataDir).close();
        try (DataDirLock again = DataDirLock.acquire(dataDir)) {
            assertEquals(Long.toString(ProcessHandle.current().pid()), pidIn(dataDir));
        }
    }

    @Test
    void aStaleLockFileLeftByADeadProcessDoesNotBlock() throws Exception {
        Path dataDir = Files.createDirectories(work.resolve("data"));
        // What kill -9 leaves behind: the file with a pid, and no lock (the OS dropped it with the process).
        Files.writeString(dataDir.resolve(".lock"), "999999999999\n", StandardCharsets.US_ASCII);
        try (DataDirLock lock = DataDirLock.acquire(dataDir)) {
            assertEquals(Long.toString(ProcessHandle.current().pid()), pidIn(dataDir));
        }
    }

    @Test
    void anUnreadablePidIsLeftOutOfTheMessage() throws Exception {
        Path dataDir = work.resolve("data");
        try (DataDirLock held = DataDirLock.acquire(dataDir)) {
            Files.writeString(dataDir.resolve(".lock"), "garbage", StandardCharsets.US_ASCII);
            DataDirLock.InUse refused = assertThrows(DataDirLock.InUse.class, () -> DataDirLock.acquire(dataDir));
            assertEquals(Optional.empty(), refused.pid());
            assertTrue(refused.getMessage().contains(dataDir.resolve(".lock").toString()), refused.getMessage());
        }
    }
}
