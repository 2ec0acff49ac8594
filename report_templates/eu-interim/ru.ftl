# Промежуточный отчёт для ЕС: подписи этого шаблона (report.hbs) на русском языке. Общие слова
# всех шаблонов: ../i18n/ru.ftl.

## Документ
eu-interim-doc-title = Промежуточный отчёт для Европейского союза: { $title }
eu-interim-header = Промежуточный отчёт для ЕС
eu-interim-footer = Сформировано rbm { $at }
eu-interim-draft = ПРОЕКТ: содержит неутверждённые данные
eu-interim-funded-by = Финансируется Европейским союзом
eu-interim-title = Промежуточный описательный и финансовый отчёт, { $period }

## Разделы
eu-interim-s1 = 1. Общие сведения
eu-interim-s2 = 2. Краткое изложение
eu-interim-s3 = 3. Мероприятия и результаты
eu-interim-s4 = 4. Обновлённая логическая рамка
eu-interim-s5 = 5. Финансовый отчёт
eu-interim-s6 = 6. Источники финансирования
eu-interim-s7 = 7. Полученные средства ЕС
eu-interim-s8 = 8. Применённые обменные курсы
eu-interim-s9 = 9. Наглядность
eu-interim-s10 = 10. Удостоверение

## Листы XLSX (не более 31 знака)
eu-interim-sheet-identification = Общие сведения
eu-interim-sheet-activities = Мероприятия
eu-interim-sheet-logframe = Логическая рамка
eu-interim-sheet-statement = Финансовый отчёт
eu-interim-sheet-sources = Источники финансирования
eu-interim-sheet-instalments = Полученные средства ЕС
eu-interim-sheet-balance = Остаток средств ЕС
eu-interim-sheet-rates = Обменные курсы
eu-interim-sheet-certification = Удостоверение

## Общие сведения
eu-interim-col-item = Пункт
eu-interim-col-value = Значение
eu-interim-id-title = Название действия
eu-interim-id-contract = Номер договора
eu-interim-id-donor = Заключившая договор сторона
eu-interim-id-organisation = Организация-исполнитель
eu-interim-id-organisation-value = ПРООН совместно с: { $partner }
eu-interim-id-start = Начало действия
eu-interim-id-end = Окончание действия
eu-interim-id-period = Отчётный период
eu-interim-id-country = Страна
eu-interim-id-women = Охвачено целевых групп, женщины
eu-interim-id-men = Охвачено целевых групп, мужчины
eu-interim-id-total = Охвачено целевых групп, всего
eu-interim-not-recorded = не указано

## Описательная часть
eu-interim-no-narrative = Описание за отчётный период не внесено.
eu-interim-col-activity = Мероприятие
eu-interim-col-status = Статус
eu-interim-col-complete = % выполнения
eu-interim-col-done = Что сделано
eu-interim-yes = Да
eu-interim-no = Нет
eu-interim-difficulties = Трудности ({ $period }):

## Логическая рамка
eu-interim-col-chain = Цепочка результатов
eu-interim-col-indicator = Индикатор
eu-interim-col-baseline = Исходное значение
eu-interim-col-current = Текущее значение
eu-interim-col-target = Цель
eu-interim-col-verification = Источники и средства проверки
eu-interim-col-assumptions = Допущения

## Финансовый отчёт
eu-interim-fin-intro = Расходы по действию в евро, по статьям бюджетного формата ЕС. Отчётный период:
eu-interim-fin-cumulative = нарастающим итогом с начала действия,
eu-interim-fin-budget = Бюджет действия соответствует соглашению о взносе
eu-interim-fin-no-budget = Бюджет действия по соглашению не внесён: графа бюджета пуста (финансовый сотрудник вносит его через PUT /api/v1/contributions/ID/budget).
eu-interim-rule-monthly_rate = Расходы каждого месяца пересчитаны из валюты учёта по операционному курсу ООН этого месяца.
eu-interim-rule-instalment_rate = Расходы пересчитаны из валюты учёта по средневзвешенному курсу траншей ЕС, полученных до конца периода (полученные евро / учтённые доллары США), как предусматривает соглашение о взносе.
eu-interim-fin-totals = Пересчитывается каждая статья, поэтому каждый промежуточный итог и итог равен сумме пересчитанных статей.
eu-interim-fin-indirect = Косвенные расходы (статья 8) составляют установленную соглашением долю прямых приемлемых расходов (статья 7), не более 7 %. Применённая ставка:
eu-interim-fin-booked-gms = Косвенные расходы (GMS), учтённые в книге, не включены в прямые расходы и заменены статьёй 8:
eu-interim-fin-unmapped = Расходы по счетам, отсутствующим в каталоге бюджетных счетов, учтены по статье 6 (Прочее):
eu-interim-col-line = Статья бюджета
eu-interim-col-budget = Бюджет действия (евро)
eu-interim-col-period = Расходы за период (евро)
eu-interim-col-cumulative = Расходы нарастающим итогом (евро)
eu-interim-col-spent = % освоения бюджета
eu-interim-col-balance = Остаток (евро)
eu-interim-subtotal = Итого по разделу
eu-interim-total = Итого
eu-interim-of-line-7 = от 7
eu-interim-heading-1 = Людские ресурсы
eu-interim-heading-2 = Поездки
eu-interim-heading-3 = Оборудование и материалы
eu-interim-heading-4 = Местный офис
eu-interim-heading-5 = Прочие расходы и услуги
eu-interim-heading-6 = Прочее
eu-interim-line-1-1 = Заработная плата (брутто), местный персонал
eu-interim-line-1-2 = Заработная плата (брутто), международный персонал
eu-interim-line-1-3 = Суточные для командировок
eu-interim-line-1 = Людские ресурсы без разбивки на подстатьи
eu-interim-line-2-1 = Международные поездки
eu-interim-line-2-2 = Местный транспорт
eu-interim-line-2 = Поездки без разбивки на подстатьи
eu-interim-line-3-1 = Покупка или аренда транспортных средств
eu-interim-line-3-2 = Мебель, компьютерное оборудование
eu-interim-line-3-3 = Машины, инструменты
eu-interim-line-3-4 = Запасные части, оборудование для машин и инструментов
eu-interim-line-3-5 = Прочее оборудование и материалы
eu-interim-line-3 = Оборудование и материалы без разбивки на подстатьи
eu-interim-line-4-1 = Расходы на транспортные средства
eu-interim-line-4-2 = Аренда офиса
eu-interim-line-4-3 = Расходные материалы, канцелярские товары
eu-interim-line-4-4 = Прочие услуги (телефон, электроэнергия, обслуживание)
eu-interim-line-4 = Местный офис без разбивки на подстатьи
eu-interim-line-5-1 = Публикации
eu-interim-line-5-2 = Исследования
eu-interim-line-5-3 = Проверка расходов, аудит
eu-interim-line-5-4 = Расходы на оценку
eu-interim-line-5-5 = Письменный и устный перевод
eu-interim-line-5-6 = Финансовые услуги
eu-interim-line-5-7 = Расходы на конференции и семинары
eu-interim-line-5-8 = Меры по обеспечению наглядности
eu-interim-line-5 = Прочие расходы и услуги без разбивки на подстатьи
eu-interim-line-6 = Прочее
eu-interim-line-7 = Итого прямые приемлемые расходы действия (1-6)
eu-interim-line-8 = Косвенные расходы
eu-interim-line-9 = Всего приемлемые расходы действия (7+8)
eu-interim-no-eu = У проекта нет взноса ЕС: финансового отчёта для ЕС нет.

## Источники финансирования
eu-interim-sources-intro = Бюджет: сумма каждого соглашения о взносе; получено и израсходовано: с начала действия до конца периода, в евро. Расходы источника: его прямые расходы и его доля косвенных расходов (статья 8 распределяется пропорционально прямым расходам).
eu-interim-col-source = Источник финансирования
eu-interim-col-source-budget = Бюджет (евро)
eu-interim-col-received = Получено (евро)
eu-interim-col-spent-to-date = Израсходовано (евро)
eu-interim-col-budget-share = Доля в бюджете
eu-interim-col-spent-share = Доля в расходах
eu-interim-kind-eu = Взнос ЕС
eu-interim-kind-undp_core = Софинансирование ПРООН
eu-interim-kind-government_cost_sharing = Софинансирование правительства
eu-interim-kind-other = Прочее софинансирование

## Полученные средства ЕС
eu-interim-col-date = Дата получения
eu-interim-col-reference = Транш
eu-interim-col-amount-eur = Сумма (евро)
eu-interim-col-booked = Учтено в книге
eu-interim-col-booking-rate = Курс при учёте
eu-interim-no-instalments = До конца периода транши ЕС не поступали.
eu-interim-col-eu-received = Получено средств ЕС (евро)
eu-interim-col-eu-spent = Доля ЕС в расходах (евро)
eu-interim-col-eu-balance = Остаток средств ЕС (евро)

## Обменные курсы
eu-interim-rates-intro-monthly_rate = Все курсы, применённые в отчёте: операционный курс ООН каждого месяца с расходами (и с поступлениями в другой валюте) и последний курс до конца периода для обязательств в другой валюте. Пересчитано: прямые расходы каждого месяца.
eu-interim-rates-intro-instalment_rate = Курс, применённый в отчёте: средневзвешенный курс траншей ЕС, полученных до конца периода.
eu-interim-col-pair = Пара
eu-interim-col-month = Месяц
eu-interim-col-rate = Курс
eu-interim-col-converted-ledger = Пересчитано ({ $currency })
eu-interim-col-converted-eur = Пересчитано (евро)
eu-interim-rate-instalments = средневзвешенный курс траншей ЕС по
eu-interim-no-rates = Пересчёт не потребовался.

## Наглядность
eu-interim-visibility = Все информационные материалы и материалы по обеспечению наглядности действия содержат эмблему ЕС с надписью «Финансируется Европейским союзом» и оговорку о том, что ответственность за их содержание несёт исключительно организация-исполнитель и оно не обязательно отражает позицию Европейского союза.

## Удостоверение
eu-interim-cert-prepared-by = Подготовил
eu-interim-cert-approved-by = Утвердил
eu-interim-cert-name = Ф. И. О.
eu-interim-cert-date = Дата
eu-interim-cert-signature = Подпись
eu-interim-cert-note = Подготовил: лицо, сформировавшее отчёт. Утвердил: руководитель проекта, который утверждает отчёт и направляет его Европейскому союзу; дата и подпись ставятся при подписании.
