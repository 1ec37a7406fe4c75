-- Inflow and outflow per week (Monday) x gemeente x domein x stap x team: steps started
-- (meldingen for an onderzoek, aanvragen for a beschikking), steps finished, steps finished
-- after their deadline, and new exceedances: steps whose first late day (the day after the
-- deadline) falls in the week and that were late then. Dense, weeks up to the peildatum.
WITH bounds AS (
    SELECT gemeente_code, min(start_date) AS first_date, max(peildatum) AS peildatum
    FROM core.sociaal_domein_zaken
    GROUP BY gemeente_code
),
weeks AS (
    SELECT b.gemeente_code, c.calendar_date AS week_start
    FROM bounds AS b
    JOIN core.calendar AS c
        ON c.calendar_date BETWEEN b.first_date - 6 AND b.peildatum
        AND c.iso_weekday = 1
),
combos AS (
    SELECT DISTINCT gemeente_code, domein, stap, team FROM core.sociaal_domein_zaken
),
inflow AS (
    SELECT gemeente_code, domein, stap, team,
        CAST(date_trunc('week', start_date) AS DATE) AS week_start, count(*) AS n
    FROM core.sociaal_domein_zaken
    GROUP BY 1, 2, 3, 4, 5
),
outflow AS (
    SELECT gemeente_code, domein, stap, team,
        CAST(date_trunc('week', closed_date) AS DATE) AS week_start,
        count(*) AS n,
        sum(CASE WHEN closed_date > deadline THEN 1 ELSE 0 END) AS n_late
    FROM core.sociaal_domein_zaken
    WHERE closed_date IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
),
exceeded AS (
    SELECT gemeente_code, domein, stap, team,
        CAST(date_trunc('week', deadline + 1) AS DATE) AS week_start, count(*) AS n
    FROM core.sociaal_domein_zaken
    WHERE te_laat AND deadline < peildatum
    GROUP BY 1, 2, 3, 4, 5
)
SELECT
    w.week_start,
    k.gemeente_code,
    k.domein,
    k.stap,
    k.team,
    coalesce(i.n, 0) AS instroom_count,
    coalesce(o.n, 0) AS uitstroom_count,
    coalesce(o.n_late, 0) AS uitstroom_te_laat_count,
    coalesce(e.n, 0) AS nieuw_over_termijn_count
FROM weeks AS w
JOIN combos AS k ON k.gemeente_code = w.gemeente_code
LEFT JOIN inflow AS i
    ON i.gemeente_code = k.gemeente_code AND i.domein = k.domein AND i.stap = k.stap
    AND i.team = k.team AND i.week_start = w.week_start
LEFT JOIN outflow AS o
    ON o.gemeente_code = k.gemeente_code AND o.domein = k.domein AND o.stap = k.stap
    AND o.team = k.team AND o.week_start = w.week_start
LEFT JOIN exceeded AS e
    ON e.gemeente_code = k.gemeente_code AND e.domein = k.domein AND e.stap = k.stap
    AND e.team = k.team AND e.week_start = w.week_start
