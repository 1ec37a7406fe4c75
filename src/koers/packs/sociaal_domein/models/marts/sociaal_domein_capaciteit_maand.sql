-- Consultant capacity per month x gemeente x team x domein, from the team leader's hours
-- workbook: hours available in the month and per week (after leave and sickness), contract
-- hours of the consultants in service, and how many were in service.
SELECT
    u.month,
    u.gemeente_code,
    u.team,
    CASE WHEN u.functie = 'Jeugdconsulent' THEN 'Jeugd' ELSE 'Wmo' END AS domein,
    sum(u.available_hours_month) AS beschikbare_uren,
    sum(u.available_hours_per_week) AS beschikbare_uren_per_week,
    sum(CASE WHEN u.status = 'In dienst' THEN u.contract_hours_per_week ELSE 0 END)
        AS contracturen_per_week,
    sum(CASE WHEN u.status = 'In dienst' THEN 1 ELSE 0 END) AS consulenten_in_dienst
FROM staging.sociaal_domein_consulenten_uren AS u
WHERE u.month IS NOT NULL
GROUP BY u.month, u.gemeente_code, u.team, CASE WHEN u.functie = 'Jeugdconsulent' THEN 'Jeugd' ELSE 'Wmo' END
