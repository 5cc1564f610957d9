package io.clusterdoc.report;

/** How a scan prints its report. */
public enum OutputFormat {
  table, json, yaml
}
