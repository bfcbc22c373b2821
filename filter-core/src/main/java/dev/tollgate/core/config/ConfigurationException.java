package dev.tollgate.core.config;

/** Invalid configuration, found at start-up; the message names the setting at fault. */
public class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String setting;
    private final String problem;

    public ConfigurationException(String setting, String problem) {
        super("Tollgate setting '" + setting + "': " + problem);
        this.setting = setting;
        this.problem = problem;
    }

    public String setting() {
        return setting;
    }

    /** The message without the setting's name, for adapters that name the setting their own way. */
    public String problem() {
        return problem;
    }
}
