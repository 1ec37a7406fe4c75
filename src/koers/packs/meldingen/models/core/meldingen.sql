-- One row per melding, conformed: dates, the service target of its subcategory, the target
-- date (counted in working days where the target says so) and the handling time in days.
WITH typed AS (
    SELECT
        s.*,
        CAST(s.created_at AS DATE) AS created_date,
        CAST(s.closed_at AS DATE) AS closed_date
    FROM staging.meldingen AS s
),
normed AS (
    SELECT
        t.*,
        coalesce(exact.target_days, generic.target_days, 5) AS target_days,
        coalesce(exact.target_kind, generic.target_kind, 'werkdagen') AS target_kind
    FROM typed AS t
    LEFT JOIN core.meldingen_normen AS exact
        ON exact.category = t.category AND exact.subcategory = t.subcategory
    LEFT JOIN core.meldingen_normen AS generic
        ON generic.category = t.category AND generic.subcategory = '*'
)
SELECT
    n.melding_id,
    n.gemeente_code,
    n.wijk_code,
    coalesce(n.wijk_name, n.wijk_code) AS wijk_name,
    n.category,
    n.subcategory,
    n.status,
    n.status = 'Geannuleerd' AS is_cancelled,
    n.created_at,
    n.closed_at,
    n.created_date,
    n.closed_date,
    n.target_days,
    n.target_kind,
    CASE
        WHEN n.target_kind = 'kalenderdagen' THEN n.created_date + CAST(n.target_days AS INTEGER)
        ELSE deadline.calendar_date
    END AS target_date,
    CASE
        WHEN n.closed_at IS NOT NULL AND n.status <> 'Geannuleerd'
            THEN date_diff('second', n.created_at, n.closed_at) / 86400.0
    END AS handling_days,
    n._load_id
FROM normed AS n
JOIN core.calendar AS created ON created.calendar_date = n.created_date
LEFT JOIN core.calendar AS deadline
    ON deadline.working_day_number = created.working_day_number + n.target_days
    AND deadline.is_working_day
