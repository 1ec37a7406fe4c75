-- Beschikkingen (decisions on a Wmo or Jeugd aanvraag) per day x gemeente x domein: how
-- many were taken, the days from the melding to the beschikking summed over them (so an
-- average waiting time can be derived from two protected counts, never published from a
-- small group), and how many came after the legal term (Wmo two weeks after the aanvraag,
-- art. 2.3.5; Jeugd eight weeks, Awb 4:13; with suspension and extension, as computed in
-- core.sociaal_domein_zaken). Dense per day up to the peildatum, so a quarter counts as
-- complete once its last day is covered, and a quarter without decisions shows 0.
WITH bounds AS (
    SELECT gemeente_code, min(start_date) AS first_date, max(peildatum) AS peildatum
    FROM core.sociaal_domein_zaken
    GROUP BY gemeente_code
),
days AS (
    SELECT b.gemeente_code, c.calendar_date AS datum
    FROM bounds AS b
    JOIN core.calendar AS c ON c.calendar_date BETWEEN b.first_date AND b.peildatum
),
domeinen AS (
    SELECT DISTINCT gemeente_code, domein FROM core.sociaal_domein_zaken
),
decided AS (
    SELECT
        z.gemeente_code,
        z.domein,
        z.closed_date AS datum,
        count(*) AS n,
        -- From the melding (the client asked for help) to the beschikking; an aanvraag
        -- without a known melding counts from the aanvraag.
        sum(date_diff('day', coalesce(m.melding_date, z.start_date), z.closed_date)) AS days,
        sum(CASE WHEN z.te_laat THEN 1 ELSE 0 END) AS late
    FROM core.sociaal_domein_zaken AS z
    LEFT JOIN staging.sociaal_domein_meldingen AS m
        ON m.gemeente_code = z.gemeente_code AND m.melding_id = z.melding_id
    WHERE z.stap = 'beschikking' AND z.closed_date IS NOT NULL
    GROUP BY z.gemeente_code, z.domein, z.closed_date
)
SELECT
    d.datum,
    k.gemeente_code,
    k.domein,
    coalesce(x.n, 0) AS beschikkingen_count,
    coalesce(x.days, 0) AS wachtdagen_sum,
    coalesce(x.late, 0) AS te_laat_count
FROM days AS d
JOIN domeinen AS k ON k.gemeente_code = d.gemeente_code
LEFT JOIN decided AS x
    ON x.gemeente_code = k.gemeente_code AND x.domein = k.domein AND x.datum = d.datum
