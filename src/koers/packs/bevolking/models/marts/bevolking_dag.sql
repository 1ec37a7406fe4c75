-- Inhabitants per day x gemeente x age band. The CBS count of 1 January holds until the next
-- count, and the last count until the end of its year: the population a rate "per 1,000
-- inhabitants" of that year divides by. Dense per day, so the stock metric `inwoners` read on
-- the last day of a month, quarter or year gives the count of that year, and a quarter counts
-- as complete once its last day is covered.
-- Only the gemeente's own rows (its wijken add up to them) and the total over both sexes:
-- CBS rounds each sex separately, so men plus women can differ from the total by a few.
WITH counts AS (
    SELECT gemeente_code, jaar, peildatum, leeftijdsklasse, leeftijd_vanaf, inwoners
    FROM core.bevolking
    WHERE soort_regio = 'Gemeente'
        AND regiocode = gemeente_code
        AND geslacht = 'Totaal mannen en vrouwen'
),
years AS (
    SELECT DISTINCT gemeente_code, jaar, peildatum FROM counts
),
spans AS (
    SELECT
        gemeente_code,
        jaar,
        peildatum,
        coalesce(
            lead(peildatum) OVER (PARTITION BY gemeente_code ORDER BY jaar),
            make_date(jaar + 1, 1, 1)
        ) AS geldig_tot
    FROM years
)
SELECT
    c.calendar_date AS datum,
    k.gemeente_code,
    k.jaar AS peiljaar,
    k.leeftijdsklasse,
    k.leeftijd_vanaf,
    k.inwoners
FROM spans AS s
JOIN core.calendar AS c
    ON c.calendar_date >= s.peildatum AND c.calendar_date < s.geldig_tot
JOIN counts AS k
    ON k.gemeente_code = s.gemeente_code AND k.jaar = s.jaar
