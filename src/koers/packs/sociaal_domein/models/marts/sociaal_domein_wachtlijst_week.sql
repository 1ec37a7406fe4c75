-- The waiting list at the end of every week (Sunday; the last week ends on the peildatum):
-- per gemeente x domein x fase x team x consulent x age band, the open cases, how many of
-- them are past their deadline and how many reach it within 1, 2 or 4 weeks if nothing
-- happens. Fase: 'melding' (waiting for the onderzoek), 'onderzoek', 'aanvraag' (waiting for
-- the beschikking). Dense over the combinations a gemeente has, so a stock can be read on
-- any week for any filter. An extension counts from the day its notice was sent.
WITH bounds AS (
    SELECT gemeente_code, min(start_date) AS first_date, max(peildatum) AS peildatum
    FROM core.sociaal_domein_zaken
    GROUP BY gemeente_code
),
weeks AS (
    SELECT b.gemeente_code, c.calendar_date AS week_end
    FROM bounds AS b
    JOIN core.calendar AS c
        ON c.calendar_date BETWEEN b.first_date AND b.peildatum
        AND (c.iso_weekday = 7 OR c.calendar_date = b.peildatum)
),
open_cases AS (
    SELECT
        w.week_end,
        z.gemeente_code,
        z.domein,
        z.stap,
        CASE
            WHEN z.stap = 'beschikking' THEN 'aanvraag'
            WHEN z.onderzoek_start_date IS NULL OR z.onderzoek_start_date > w.week_end
                THEN 'melding'
            ELSE 'onderzoek'
        END AS fase,
        z.team,
        coalesce(z.consulent_code, 'niet toegewezen') AS consulent_code,
        date_diff('day', z.start_date, w.week_end) AS age_days,
        CASE
            WHEN z.verdagingsbericht_date IS NOT NULL AND z.verdagingsbericht_date > w.week_end
                THEN z.wettelijke_einddatum
            ELSE z.deadline
        END AS deadline_then
    FROM weeks AS w
    JOIN core.sociaal_domein_zaken AS z
        ON z.gemeente_code = w.gemeente_code
        AND z.start_date <= w.week_end
        AND (z.closed_date IS NULL OR z.closed_date > w.week_end)
),
banded AS (
    SELECT
        o.*,
        CASE
            WHEN age_days < 14 THEN '0 tot 2 weken'
            WHEN age_days < 28 THEN '2 tot 4 weken'
            WHEN age_days < 42 THEN '4 tot 6 weken'
            WHEN age_days < 56 THEN '6 tot 8 weken'
            WHEN age_days < 84 THEN '8 tot 12 weken'
            ELSE '12 weken of langer'
        END AS leeftijd_band
    FROM open_cases AS o
),
counted AS (
    SELECT
        week_end, gemeente_code, domein, stap, fase, team, consulent_code, leeftijd_band,
        count(*) AS open_count,
        sum(CASE WHEN deadline_then < week_end THEN 1 ELSE 0 END) AS over_termijn_count,
        sum(CASE WHEN deadline_then >= week_end AND deadline_then < week_end + 7
            THEN 1 ELSE 0 END) AS termijn_binnen_1_week_count,
        sum(CASE WHEN deadline_then >= week_end AND deadline_then < week_end + 14
            THEN 1 ELSE 0 END) AS termijn_binnen_2_weken_count,
        sum(CASE WHEN deadline_then >= week_end AND deadline_then < week_end + 28
            THEN 1 ELSE 0 END) AS termijn_binnen_4_weken_count
    FROM banded
    GROUP BY week_end, gemeente_code, domein, stap, fase, team, consulent_code, leeftijd_band
),
combos AS (
    SELECT DISTINCT gemeente_code, domein, stap, fase, team, consulent_code, leeftijd_band
    FROM counted
),
grid AS (
    SELECT w.week_end, k.*
    FROM weeks AS w
    JOIN combos AS k ON k.gemeente_code = w.gemeente_code
)
SELECT
    g.week_end,
    g.gemeente_code,
    g.domein,
    g.stap,
    g.fase,
    g.team,
    g.consulent_code,
    g.leeftijd_band,
    coalesce(c.open_count, 0) AS open_count,
    coalesce(c.over_termijn_count, 0) AS over_termijn_count,
    coalesce(c.termijn_binnen_1_week_count, 0) AS termijn_binnen_1_week_count,
    coalesce(c.termijn_binnen_2_weken_count, 0) AS termijn_binnen_2_weken_count,
    coalesce(c.termijn_binnen_4_weken_count, 0) AS termijn_binnen_4_weken_count
FROM grid AS g
LEFT JOIN counted AS c
    ON c.week_end = g.week_end AND c.gemeente_code = g.gemeente_code
    AND c.domein = g.domein AND c.stap = g.stap AND c.fase = g.fase AND c.team = g.team
    AND c.consulent_code = g.consulent_code AND c.leeftijd_band = g.leeftijd_band
