package dev.tollgate.core.code;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A currency a Code payment request can be denominated in, with its index in the Code currency table.
 *
 * <p>The index is byte 1 of the 20-byte scan-code payload, so the table order is part of the wire format:
 * "kin" first, then the fiat codes in alphabetical order, exactly as the Code SDK lists them. Changing the
 * order would silently produce intent ids the wallet and the browser do not recognise.
 */
public record CodeCurrency(String code, int index) {

    private static final List<String> TABLE = List.of(
            "kin",
            "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam",
            "bbd", "bdt", "bgn", "bhd", "bif", "bmd", "bnd", "bob", "brl", "bsd", "btn",
            "bwp", "byn", "bzd", "cad", "cdf", "chf", "clp", "cny", "cop", "crc", "cup",
            "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "ern", "etb", "eur", "fjd",
            "fkp", "gbp", "gel", "ghs", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl",
            "hrk", "htg", "huf", "idr", "ils", "inr", "iqd", "irr", "isk", "jmd", "jod",
            "jpy", "kes", "kgs", "khr", "kmf", "kpw", "krw", "kwd", "kyd", "kzt", "lak",
            "lbp", "lkr", "lrd", "lyd", "mad", "mdl", "mga", "mkd", "mmk", "mnt", "mop",
            "mru", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok",
            "npr", "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar",
            "ron", "rsd", "rub", "rwf", "sar", "sbd", "scr", "sdg", "sek", "sgd", "shp",
            "sll", "sos", "srd", "ssp", "stn", "syp", "szl", "thb", "tjs", "tmt", "tnd",
            "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "usd", "uyu", "uzs", "ves",
            "vnd", "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw");

    private static final Map<String, Integer> INDEX_BY_CODE = new HashMap<>();

    /**
     * Smallest amount the sequencer accepts, where documented (0.05 in the major fiat currencies).
     * Other currencies only need a positive amount here; the sequencer enforces its own limits.
     */
    private static final Map<String, BigDecimal> MINIMUM = Map.of(
            "usd", new BigDecimal("0.05"),
            "eur", new BigDecimal("0.05"),
            "gbp", new BigDecimal("0.05"),
            "cad", new BigDecimal("0.05"));

    static {
        for (int i = 0; i < TABLE.size(); i++) {
            INDEX_BY_CODE.put(TABLE.get(i), i);
        }
    }

    // Declared after the tables on purpose: static initialisers run in textual order.
    /** Code's own crypto currency; amounts in kin travel with an exact rate of 1 and a quark count. */
    public static final CodeCurrency KIN = of("kin");
    public static final CodeCurrency USD = of("usd");
    public static final CodeCurrency EUR = of("eur");

    public CodeCurrency {
        if (index < 0 || index >= TABLE.size() || !TABLE.get(index).equals(code)) {
            throw new IllegalArgumentException("not a Code currency: " + code + " at index " + index);
        }
    }

    /**
     * Looks a currency up by its ISO-style code, ignoring case (the SDK lower-cases what callers pass).
     *
     * @throws IllegalArgumentException if Code does not support the currency
     */
    public static CodeCurrency of(String code) {
        if (code == null) {
            throw new IllegalArgumentException("currency is required");
        }
        String normalized = code.toLowerCase(Locale.ROOT);
        Integer index = INDEX_BY_CODE.get(normalized);
        if (index == null) {
            throw new IllegalArgumentException("unsupported currency: '" + code + "'");
        }
        return new CodeCurrency(normalized, index);
    }

    /** @throws IllegalArgumentException if the index is outside the Code currency table */
    public static CodeCurrency ofIndex(int index) {
        if (index < 0 || index >= TABLE.size()) {
            throw new IllegalArgumentException("unknown currency index: " + index);
        }
        return new CodeCurrency(TABLE.get(index), index);
    }

    public boolean isKin() {
        return index == 0;
    }

    /** The documented minimum, if any; amounts below it are refused before anything is sent. */
    public Optional<BigDecimal> minimumAmount() {
        return Optional.ofNullable(MINIMUM.get(code));
    }

    @Override
    public String toString() {
        return code;
    }
}
