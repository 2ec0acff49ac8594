# Веб-страницы rbm: русский язык. Ключа нет здесь — страница покажет английский текст.
# Форматы чисел и дат и названия статусов — из ../ru.ftl.

language-name = Русский
language = Язык

## Оформление
skip-to-main = Перейти к содержанию
brand-name = Мониторинг по результатам
account = Учётная запись
projects = Проекты
sign-out = Выйти
footer = rbm · мониторинг по результатам и отчётность для доноров
error = Ошибка
there-is-a-problem = Есть ошибки
go-to-projects = К вашим проектам

## Вход
sign-in = Войти
sign-in-lead = Войдите с адресом электронной почты и паролем, которые вам выдал администратор.
email-address = Электронная почта
password = Пароль
sign-in-email-missing = Введите адрес электронной почты
sign-in-email-invalid = Введите адрес вида name@example.org
sign-in-password-missing = Введите пароль
sign-in-wrong = Неверный адрес электронной почты или пароль
sign-in-too-many = Слишком много неудачных попыток: повторите через { $minutes } мин.

## Проекты и сводка
your-projects = Ваши проекты
your-role = Ваша роль
country = Страна
dates = Сроки
date-range = { $from } – { $to }
status = Статус
no-projects = У вас пока нет роли ни в одном проекте. Попросите администратора добавить вас в проект.
role-admin = Администратор
role-coordinator = Координатор
role-manager = Руководитель
role-finance = Финансист
role-donor = Донор
project-pipeline = в подготовке
project-active = реализуется
project-operationally_closed = операционно закрыт
project-financially_closed = финансово закрыт
dashboard-title = { $code }: сводка
quarter = Квартал
show = Показать
dashboard-lead = Ваша роль в проекте: { $role }. Показаны утверждённые данные { $year } года по { $quarter }.
enter-progress-for = Ввести данные за { $quarter }
approval-queue = Очередь на утверждение
results-framework = Рамка результатов
reports = Отчёты
award = Грант (award)
implementing-partner = Партнёр-исполнитель
ledger-currency = Валюта учёта
waiting-for-you = Ждёт вас
drafts-to-submit = Черновики к отправке ({ $n })
nothing-to-submit = Отправлять нечего.
missing-for = Нет данных за { $quarter } ({ $n })
nothing-missing = У каждого индикатора с целевым значением есть фактическое.
actuals-to-approve = На утверждение ({ $n })
nothing-to-approve = Утверждать нечего.
open-findings = Открытые финансовые замечания ({ $n })
findings-lead = Финансовые проверки рабочих планов, расходов и взносов: { $summary }.
findings-summary = ошибок: { $errors }, предупреждений: { $warnings }{ $infos ->
    [0] {""}
   *[other] , не проверено: { $infos }
}
findings-more = И ещё { $n }
no-findings = Нет: рабочие планы, расходы и взносы сходятся.
severity-error = Ошибка
severity-warning = Предупреждение
severity-info = Не проверено
delivery-in = Освоение средств в { $year } году
budget = Бюджет
spent = израсходовано
delivery = освоение
output = Промежуточный результат
expenditure = Расходы
other = Прочее
no-budget = Нет бюджета рабочего плана на { $year } год.
delivery-caption = Бюджет рабочего плана { $year } года и расходы на сегодня по промежуточным результатам, { $currency }; освоение = расходы / бюджет.
actual-draft = Черновик
actual-submitted = Отправлено
actual-approved = Утверждено
actual-returned = Возвращено

## Индикаторы (сводка и портал донора)
glance-heading = Индикаторы: общая картина
glance-table-caption = Индикаторы: фактическое и целевое значение, статус
indicator = Индикатор
actual = Факт
target-of-year = Цель { $year }
percent-of-target = % от цели
glance-actual-note = Факт: сумма за { $year } год по { $quarter } для суммируемых индикаторов; для остальных — последнее значение.
no-indicators = У проекта пока нет индикаторов.
progress-caption = Утверждённые фактические значения с { $from } по { $to } в % от цели { $year } года (от цели на весь проект, если годовой нет). Цвет — статус: сравнение с целью, пропорциональной прошедшим кварталам.
chart-percent-title = Процент от цели по индикаторам
chart-hundred = 100 % цели
chart-delivery-title = Бюджет и расходы по промежуточным результатам

## Рамка результатов
framework-lead = Воздействие, конечные и промежуточные результаты, результаты мероприятий и мероприятия — с индикаторами, исходными и целевыми значениями.
add-a-result = Добавить результат
framework-empty = Рамка пуста.
assumptions = Допущения
edit = Изменить
delete = Удалить
add-below = Добавить результат ниже
add-an-indicator = Добавить индикатор
indicators-of = Индикаторы { $code }
baseline = Исходное значение
targets = Целевые значения
by = В разбивке:
no-targets = нет
life-of-project = На весь проект
saved-result = Результат { $code } сохранён.
saved-indicator = Индикатор { $code } сохранён.
saved-targets = Сохранено целевых значений индикатора { $code }: { $n }.
deleted = Удалено: { $what }.
level-impact = Воздействие
level-outcome = Конечный результат
level-output = Промежуточный результат
level-activity_result = Результат мероприятий
level-activity = Мероприятие
measure-number = Число
measure-percentage = Доля (числитель / знаменатель)
measure-yes_no = Да / нет
measure-qualitative = Текст (качественный)
