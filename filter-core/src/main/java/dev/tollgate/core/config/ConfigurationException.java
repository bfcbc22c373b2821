package dev.tollgate.core.config;

/** Invalid configuration, found at start-up; the message names the setting at fault. */
public class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String setting;

    public ConfigurationException(String setting, String problem) {
        super("Tollgate setting '" + setting + "': " + problem);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
