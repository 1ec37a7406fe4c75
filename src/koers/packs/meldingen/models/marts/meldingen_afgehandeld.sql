-- One row per handled (not cancelled) melding, without its number: for medians and spreads
-- of handling time, which a daily aggregate cannot give.
SELECT
    closed_date,
    gemeente_code,
    wijk_code,
    wijk_name,
    category,
    subcategory,
    handling_days,
    closed_date <= target_date AS within_target
FROM core.meldingen
WHERE closed_date IS NOT NULL AND NOT is_cancelled
