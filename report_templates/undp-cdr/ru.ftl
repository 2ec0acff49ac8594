# Сводный отчёт об исполнении ПРООН (CDR): подписи шаблона, русский язык.
# Общие слова (месяцы, форматы чисел, слова удостоверения) — в ../i18n/ru.ftl.

cdr-title = Сводный отчёт об исполнении (CDR)
cdr-period-year = { $year } г.
cdr-period-months = { $from } – { $to } { $year } г.
cdr-period-years = { $from } – { $to } гг.
cdr-period-range = { $from } { $fy } г. – { $to } { $ty } г.
cdr-year-part = { $year } ({ $fq }–{ $tq } кв.)
cdr-years-note = За несколько лет отчёт даёт по столбцу на год (или его часть в периоде); итог — за весь период.
cdr-subtitle = Отчёт о расходах
cdr-generated = Сформировано rbm { $date } в { $time } для { $by }
cdr-intro = Расходы в { $currency } по промежуточным результатам и мероприятиям, фондам (источникам финансирования), исполнителям (ответственная сторона мероприятия в годовом плане работ) и статьям бюджета, поквартально. Суммы совпадают с финансовыми сводками за те же кварталы.
cdr-ytd-note = Для квартала отчёт составляется с 1 января: итог — с начала года.

cdr-sheet-header = CDR
cdr-item = Показатель
cdr-value = Значение
cdr-award-id = Номер соглашения (Award ID)
cdr-project-id = Код проекта
cdr-project-title = Название проекта
cdr-implementing-partner = Партнёр-исполнитель
cdr-country = Страна
cdr-period-label = Период
cdr-currency = Валюта
cdr-not-recorded = не указан
cdr-from-to = с { $from } по { $to }

cdr-output = Промежуточный результат { $code }: { $title }
cdr-no-output = Строки уровня плана (вне промежуточных результатов)
cdr-sheet-output = Результат { $code }
cdr-sheet-no-output = Уровень плана
cdr-activity = Мероприятие { $code }: { $title }
cdr-no-activity = Строки вне мероприятий (ОУР и другие расходы уровня плана)
cdr-total-activity = Итого по мероприятию { $code }
cdr-total-no-activity = Итого по строкам уровня плана
cdr-total-output = Итого по результату { $code }
cdr-total-no-output = Итого по строкам уровня плана
cdr-fund = Фонд
cdr-agent = Исполнитель
cdr-account = Статья
cdr-no-agent = —
cdr-quarter = { $q } кв.
cdr-total = Итого
cdr-total-ytd = Итого с начала года
cdr-nothing = За период расходы не зарегистрированы.

cdr-summary-heading = Итоги
cdr-sheet-by-output = CDR по результатам
cdr-sheet-by-fund = CDR по фондам
cdr-sheet-by-agent = CDR по исполнителям
cdr-caption-by-output = Расходы по промежуточным результатам
cdr-caption-by-fund = Расходы по фондам
cdr-caption-by-agent = Расходы по исполнителям
cdr-col-output = Промежуточный результат
cdr-unplanned = Расходы по строкам, исключённым из плана при пересмотре
cdr-grand-total = Всего

cdr-cert-heading = Удостоверение
cdr-cert-ip = Партнёр-исполнитель: { $partner }
cdr-cert-ip-text = Удостоверяю, что указанные расходы произведены на мероприятия проекта в соответствии с утверждённым годовым планом работ и подтверждаются первичными документами.
cdr-cert-undp = ПРООН
cdr-cert-undp-text = Рассмотрено и принято ПРООН.
cdr-sheet-cert = Удостоверение
cdr-cert-for = От имени
cdr-cert-name = Ф. И. О.
cdr-cert-function = Должность
cdr-cert-date = Дата
cdr-cert-signature = Подпись
cdr-cert-prepared = Подготовил
cdr-role-manager = Менеджер проекта
cdr-role-coordinator = Координатор проекта
cdr-role-finance = Финансовый специалист
cdr-role-admin = Администратор
cdr-role-donor = Донор
