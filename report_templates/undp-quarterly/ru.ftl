# Ежеквартальный отчёт ПРООН о ходе реализации проекта (POPP): подписи шаблона, русский язык.
# Общие слова (статусы, уровни, да/нет, месяцы, форматы чисел) — в ../i18n/ru.ftl.

undp-q-title = Ежеквартальный отчёт ПРООН о ходе реализации проекта
undp-q-heading = Ежеквартальный отчёт о ходе реализации проекта
undp-q-period = { $kind ->
    [quarter] { $tq } кв. { $ty } г.
    [year] { $ty } г.
   *[range] { $fq } кв. { $fy } г. – { $tq } кв. { $ty } г.
}
undp-q-quarter = { $q } кв. { $year } г.
undp-q-q = { $q } кв.
undp-q-generated = Сформировано rbm { $date } в { $time } для { $by }
undp-q-draft = ПРОЕКТ: содержит неутверждённые данные
undp-q-not-recorded = не указан
undp-q-from-to = с { $from } по { $to }

## 1. Сведения о проекте
undp-q-award-heading = 1. Сведения о проекте
undp-q-sheet-award = Проект
undp-q-item = Показатель
undp-q-value = Значение
undp-q-award-id = Номер соглашения (Award ID)
undp-q-project-id = Код проекта
undp-q-project-title = Название проекта
undp-q-country = Страна
undp-q-implementing-partner = Партнёр-исполнитель
undp-q-start-date = Дата начала
undp-q-end-date = Дата окончания
undp-q-reporting-period = Отчётный период
undp-q-award-total = Общий бюджет проекта (все доноры)
undp-q-award-incomplete = Общий бюджет проекта (только доноры с курсом валют)
undp-q-approved-budget = Утверждённые годовые планы работ (все годы)
undp-q-sheet-donors = Доноры
undp-q-funding-source = Источник финансирования
undp-q-agreement = Соглашение
undp-q-contribution = Взнос
undp-q-contribution-ledger = Взнос в { $currency }
undp-q-indirect-rate = Косвенные расходы, ставка
undp-q-no-rate = курс не введён
undp-q-rates-used = Взносы в других валютах пересчитаны по последнему операционному курсу ООН, введённому на { $date }:
undp-q-rate = { $pair } { $rate } ({ $month })

## 2. Продвижение к результатам
undp-q-results-heading = 2. Продвижение к результатам
undp-q-results-intro = Учитываются только утверждённые фактические значения. Факт за период — значение за отчётный период; нарастающим итогом — с начала проекта (для уровневых показателей — последнее значение). % годовой цели для уровневых показателей считается от базового значения.
undp-q-results-chart = Индикаторы: % цели на весь срок проекта
undp-q-sheet-results = Результаты { $code }
undp-q-indicator = Индикатор
undp-q-unit = Ед. изм.
undp-q-baseline = Базовое значение
undp-q-annual-target = Годовая цель
undp-q-quarter-actual = Факт за период
undp-q-ytd = С начала года
undp-q-cumulative = Нарастающим итогом
undp-q-pct-annual = % годовой цели
undp-q-status = Статус
undp-q-women = Женщины
undp-q-men = Мужчины
undp-q-no-indicators = В рамке результатов ещё нет индикаторов.

## 3. Ход выполнения мероприятий
undp-q-activities-heading = 3. Ход выполнения мероприятий
undp-q-sheet-activities = Мероприятия
undp-q-activity = Мероприятие
undp-q-planned-quarters = По плану (ГПР { $year })
undp-q-planned-now = Запланировано на квартал
undp-q-pct-complete = % выполнения
undp-q-progress = Ход выполнения
undp-q-not-reported = нет сведений
undp-q-no-activities = В рамке результатов ещё нет мероприятий.

## 4. Финансовое исполнение
undp-q-finance-heading = 4. Финансовое исполнение
undp-q-plans-intro = Бюджет — по утверждённым годовым планам работ (ГПР), в { $currency }:
undp-q-plan-approved = { $year }: редакция { $revision }, утверждён { $date }: { $total }
undp-q-plan-draft = { $year }: редакция { $revision }, проект: { $total }; не является бюджетом до утверждения Советом проекта
undp-q-finance-intro = Освоение = расходы / бюджет. Период: бюджет утверждённых планов на период (строки с поквартальной разбивкой или распределённые по кварталам мероприятия) и расходы, датированные этим периодом. С начала года: расходы с { $ystart } против всего утверждённого ГПР на { $year } г. Нарастающим итогом: расходы с начала проекта ({ $pstart }) против утверждённых ГПР по { $year } г.
undp-q-no-awp = План работ на { $year } г. не утверждён: бюджета с начала года нет.
undp-q-delivery-chart = Освоение средств по промежуточным результатам с начала года против утверждённого ГПР { $year } г.
undp-q-no-delivery-chart = Нет утверждённого бюджета ГПР на { $year } г.: диаграммы освоения нет.
undp-q-view-output = Промежуточный результат
undp-q-view-activity = Мероприятие
undp-q-view-source = Источник финансирования
undp-q-view-account = Статья бюджета
undp-q-sheet-output = Финансы по результатам
undp-q-sheet-activity = Финансы по мероприятиям
undp-q-sheet-source = Финансы по источникам
undp-q-sheet-account = Финансы по статьям
undp-q-caption-output = Бюджет и освоение по промежуточным результатам
undp-q-caption-activity = Бюджет и освоение по мероприятиям
undp-q-caption-source = Бюджет и освоение по источникам финансирования
undp-q-caption-account = Бюджет и освоение по статьям бюджета
undp-q-scope-period = Период
undp-q-scope-ytd = С начала года (ГПР { $year })
undp-q-scope-cumulative = С начала проекта
undp-q-budget = Бюджет
undp-q-awp-budget = Бюджет ГПР
undp-q-expenditure = Расходы
undp-q-balance = Остаток
undp-q-delivery = Освоение
undp-q-plan-level = Строки уровня плана (ОУР и др.)
undp-q-total = Итого

## 5. Риски и проблемы
undp-q-risks-heading = 5. Риски и проблемы
undp-q-risk-log = Журнал рисков (на { $date })
undp-q-sheet-risks = Риски
undp-q-risk = Риск
undp-q-description = Описание
undp-q-category = Категория
undp-q-likelihood = Вероятность
undp-q-impact = Влияние
undp-q-level = Уровень
undp-q-mitigation = Меры по снижению
undp-q-owner = Ответственный
undp-q-last-review = Последний обзор
undp-q-no-risks = Риски не зарегистрированы.
undp-q-risk-level-low = Низкий
undp-q-risk-level-moderate = Умеренный
undp-q-risk-level-substantial = Значительный
undp-q-risk-level-high = Высокий
undp-q-issue-log = Журнал проблем
undp-q-issue-intro = Проблемы, выявленные до конца периода и не закрытые до его начала; статус на { $date }.
undp-q-sheet-issues = Проблемы
undp-q-issue = Проблема
undp-q-issue-type = Тип
undp-q-raised = Выявлена
undp-q-priority = Приоритет
undp-q-response = Ответные меры
undp-q-closed-on = закрыта { $date }
undp-q-no-issues = В периоде нет открытых проблем.
undp-q-issue-type-general = Проблема или вопрос
undp-q-issue-type-request_for_change = Запрос на изменение
undp-q-issue-type-off_specification = Несоответствие требованиям
undp-q-priority-low = Низкий
undp-q-priority-medium = Средний
undp-q-priority-high = Высокий
undp-q-issue-status-open = Открыта
undp-q-issue-status-in_progress = В работе
undp-q-issue-status-closed = Закрыта

## 6. Итоги и следующий квартал
undp-q-summary-heading = 6. Итоги и следующий квартал ({ $next })
undp-q-summary = Итоги
undp-q-challenges = Трудности
undp-q-lessons = Извлечённые уроки
undp-q-plan-next = План на { $next }
undp-q-no-narrative = Описание за период не введено.

## Удостоверение
undp-q-cert-heading = 7. Удостоверение
undp-q-cert-intro = Подготовил — пользователь, сформировавший отчёт; утверждает менеджер проекта, который направляет отчёт донорам.
undp-q-sheet-cert = Удостоверение
undp-q-cert-role = Роль
undp-q-cert-prepared = Подготовил
undp-q-cert-approved = Утвердил
undp-q-cert-name = Ф. И. О.
undp-q-cert-function = Должность
undp-q-cert-date = Дата
undp-q-cert-signature = Подпись
undp-q-role-coordinator = Координатор проекта
undp-q-role-manager = Менеджер проекта
undp-q-role-finance = Финансовый специалист
undp-q-role-donor = Донор
undp-q-role-admin = Администратор

## Приложение: журнал изменений
undp-q-changes-heading = Приложение: журнал изменений
undp-q-changes-intro = Изменения данных проекта, записанные в журнал аудита за период (сначала новые; не более 500).
undp-q-no-changes = За период изменений не зарегистрировано.
undp-q-sheet-changes = Журнал изменений
undp-q-change-date = Дата
undp-q-change-who = Кто
undp-q-change-what = Что
undp-q-change-id = Id
undp-q-change-action = Действие
undp-q-change-reason = Причина
undp-q-entity-actual = Фактическое значение
undp-q-entity-activity_progress = Ход мероприятия
undp-q-entity-narrative = Описание
undp-q-entity-risk = Риск
undp-q-entity-issue = Проблема
undp-q-entity-indicator = Индикатор
undp-q-entity-target = Цель
undp-q-entity-result = Результат
undp-q-entity-project = Проект
undp-q-entity-contribution = Взнос
undp-q-entity-work_plan = План работ
undp-q-entity-work_plan_activity = Мероприятие плана
undp-q-entity-budget_line = Строка бюджета
undp-q-entity-expenditure = Расход
undp-q-entity-receipt = Поступление
undp-q-entity-report = Отчёт
undp-q-entity-membership = Участие в проекте
undp-q-entity-funding_source = Источник финансирования
undp-q-entity-budget_account = Статья бюджета
undp-q-entity-exchange_rate = Курс валют
undp-q-action-create = Создано
undp-q-action-update = Изменено
undp-q-action-delete = Удалено
undp-q-action-submit = Представлено
undp-q-action-approve = Утверждено
undp-q-action-return = Возвращено
undp-q-action-reopen = Открыто повторно
undp-q-action-issue = Выпущено
undp-q-action-supersede = Заменено
undp-q-action-revoke = Отозвано
