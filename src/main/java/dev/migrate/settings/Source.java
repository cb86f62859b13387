package dev.migrate.settings;

/** Where an effective setting came from, lowest precedence first. */
public enum Source {
    DEFAULT, FILE, ENV, FLAG
}
