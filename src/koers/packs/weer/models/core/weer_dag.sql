-- One row per station and day, in SI units: KNMI delivers tenths (0.1 m/s, 0.1 mm, 0.1 °C)
-- and RH = -1 for less than 0.05 mm, which counts as 0.0 mm with neerslag_spoor set. The
-- is_* flags mark the weather causes of meldingen peaks, with thresholds from the seed
-- weer_drempels (the same the demo plants meldingen peaks with); NULL when KNMI has no value.
WITH drempels AS (
    SELECT
        max(CASE WHEN oorzaak = 'storm' THEN drempel END) AS storm_ms,
        max(CASE WHEN oorzaak = 'zware_regen' THEN drempel END) AS zware_regen_mm,
        max(CASE WHEN oorzaak = 'vorst' THEN drempel END) AS vorst_c,
        max(CASE WHEN oorzaak = 'hitte' THEN drempel END) AS hitte_c
    FROM core.weer_drempels
),
converted AS (
    SELECT
        w.station,
        w.datum,
        w.windstoot_max_01ms / 10.0 AS windstoot_max_ms,
        w.wind_uurgemiddelde_max_01ms / 10.0 AS wind_uurgemiddelde_max_ms,
        w.temperatuur_min_01c / 10.0 AS temperatuur_min_c,
        w.temperatuur_max_01c / 10.0 AS temperatuur_max_c,
        CASE WHEN w.neerslag_01mm = -1 THEN 0.0 ELSE w.neerslag_01mm / 10.0 END AS neerslag_mm,
        w.neerslag_01mm = -1 AS neerslag_spoor,
        w._load_id
    FROM staging.weer AS w
)
SELECT
    c.station,
    c.datum,
    c.windstoot_max_ms,
    c.wind_uurgemiddelde_max_ms,
    c.temperatuur_min_c,
    c.temperatuur_max_c,
    c.neerslag_mm,
    c.neerslag_spoor,
    c.windstoot_max_ms >= d.storm_ms AS is_storm,
    c.neerslag_mm >= d.zware_regen_mm AS is_zware_regen,
    c.temperatuur_min_c < d.vorst_c AS is_vorst,
    c.temperatuur_max_c >= d.hitte_c AS is_hitte,
    c._load_id
FROM converted AS c
CROSS JOIN drempels AS d
