-- Per day x gemeente x wijk x category: received, closed, closed within target, cancelled,
-- and the open backlog at the end of the day. Dense (a row for every day and combination),
-- so a backlog can be read on any date.
WITH combos AS (
    SELECT DISTINCT gemeente_code, wijk_code, wijk_name, category FROM core.meldingen
),
bounds AS (
    SELECT
        min(created_date) AS first_date,
        max(greatest(created_date, coalesce(closed_date, created_date))) AS last_date
    FROM core.meldingen
),
days AS (
    SELECT c.calendar_date AS report_date
    FROM core.calendar AS c
    CROSS JOIN bounds AS b
    WHERE c.calendar_date BETWEEN b.first_date AND b.last_date
),
received AS (
    SELECT gemeente_code, wijk_code, category, created_date AS report_date, count(*) AS n
    FROM core.meldingen
    GROUP BY gemeente_code, wijk_code, category, created_date
),
closed AS (
    SELECT
        gemeente_code,
        wijk_code,
        category,
        closed_date AS report_date,
        sum(CASE WHEN is_cancelled THEN 0 ELSE 1 END) AS n_closed,
        sum(CASE WHEN is_cancelled THEN 1 ELSE 0 END) AS n_cancelled,
        sum(CASE WHEN NOT is_cancelled AND closed_date <= target_date THEN 1 ELSE 0 END)
            AS n_within,
        sum(coalesce(handling_days, 0)) AS handling_days_sum
    FROM core.meldingen
    WHERE closed_date IS NOT NULL
    GROUP BY gemeente_code, wijk_code, category, closed_date
),
grid AS (
    SELECT d.report_date, k.gemeente_code, k.wijk_code, k.wijk_name, k.category
    FROM days AS d
    CROSS JOIN combos AS k
)
SELECT
    g.report_date,
    g.gemeente_code,
    g.wijk_code,
    g.wijk_name,
    g.category,
    coalesce(r.n, 0) AS received_count,
    coalesce(c.n_closed, 0) AS closed_count,
    coalesce(c.n_within, 0) AS closed_within_target_count,
    coalesce(c.n_cancelled, 0) AS cancelled_count,
    coalesce(c.handling_days_sum, 0) AS handling_days_sum,
    sum(coalesce(r.n, 0) - coalesce(c.n_closed, 0) - coalesce(c.n_cancelled, 0)) OVER (
        PARTITION BY g.gemeente_code, g.wijk_code, g.category
        ORDER BY g.report_date
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS open_count
FROM grid AS g
LEFT JOIN received AS r
    ON r.gemeente_code = g.gemeente_code AND r.wijk_code = g.wijk_code
    AND r.category = g.category AND r.report_date = g.report_date
LEFT JOIN closed AS c
    ON c.gemeente_code = g.gemeente_code AND c.wijk_code = g.wijk_code
    AND c.category = g.category AND c.report_date = g.report_date
